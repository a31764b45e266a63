/* Feedback: a high beep and a short buzz for success, low and long for failure; toasts
   (status messages), one kept for after the next page load; the offline flag. */
const K = window.Krafte;
const body = document.body;

K.toast = function (message, kind) {
  const box = document.querySelector("[data-toasts]");
  if (!box) return;
  const p = document.createElement("p");
  p.className = "flash " + (kind || "success");
  p.setAttribute("role", "status");
  p.textContent = message;
  box.prepend(p);
  setTimeout(() => p.remove(), kind === "error" ? 12000 : 5000);
};
// A message to show after the next page load (a reload after a successful action).
K.later = (message) => sessionStorage.setItem("krafte-toast", message);
const pending = sessionStorage.getItem("krafte-toast");
if (pending) {
  sessionStorage.removeItem("krafte-toast");
  document.addEventListener("DOMContentLoaded", () => K.toast(pending));
}

let audio = null;
const TONES = {ok: [[1320, 0, 0.12]], warn: [[660, 0, 0.12], [660, 0.2, 0.12]],
               fail: [[220, 0, 0.18], [180, 0.24, 0.3]]};
const BUZZ = {ok: 80, warn: [80, 60, 80], fail: [200, 100, 200]};

function beep(kind) {
  audio = audio || new (window.AudioContext || window.webkitAudioContext)();
  for (const [freq, start, length] of TONES[kind]) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = kind === "fail" ? "square" : "sine";
    osc.frequency.value = freq;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(audio.destination);
    osc.start(audio.currentTime + start);
    osc.stop(audio.currentTime + start + length);
  }
}

K.feedback = function (result) {  // true, false or "warn"
  const kind = result === "warn" ? "warn" : result === true ? "ok" : "fail";
  try {
    beep(kind);
  } catch (e) { /* no audio: the vibration and the message remain */ }
  if (navigator.vibrate) navigator.vibrate(BUZZ[kind]);
  body.dataset.feedback = kind;
};

/* The "Offline" flag in the bar, and a class for the styles. */
K.showNetwork = function () {
  const flag = document.querySelector("[data-offline-flag]");
  if (flag) flag.hidden = navigator.onLine;
  body.classList.toggle("is-offline", !navigator.onLine);
};
