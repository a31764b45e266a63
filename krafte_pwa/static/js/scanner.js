/* A scan field (templates/floor/_scanner.html): keyboard wedge or typing (Enter sends),
   live camera (decoded on the device: the browser's BarcodeDetector where it exists, else
   zxing-cpp compiled to WebAssembly, static/vendor, loaded when the camera first opens and
   cached by the service worker, so it works offline; if neither loads, a JPEG frame every
   ~300 ms to /api/v1/scan/image?live=1), and a photo (works on plain HTTP).
   Krafte.scanner(form, onHit): onHit(hit) gets the server's answer for the code
   ({kind, code, path, item, fields...}) and returns a string to refuse it with that
   message, anything else to accept it. */
(function () {
  "use strict";
  const K = window.Krafte;
  const T = K.T;
  const FRAME_MS = 300;
  const FORMATS = ["qr_code", "data_matrix", "ean_13", "ean_8", "upc_a", "upc_e", "code_128",
                   "code_39", "itf"];
  let deviceDecoder = null;  // one load per page, shared by the page's scan fields

  async function nativeDetector() {
    if (!("BarcodeDetector" in window)) return null;
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      return formats.includes("qr_code") ? new window.BarcodeDetector({formats: formats}) : null;
    } catch (e) {
      return null;
    }
  }

  // The vendored polyfill (a classic script defining BarcodeDetectionAPI), with its wasm
  // from our static folder, never the package's CDN default.
  function loadDeviceDecoder(form) {
    if (!deviceDecoder) {
      deviceDecoder = new Promise((resolve, reject) => {
        if (window.BarcodeDetectionAPI) return resolve(window.BarcodeDetectionAPI);
        const script = document.createElement("script");
        script.src = form.dataset.decoder;
        script.onload = () => resolve(window.BarcodeDetectionAPI);
        script.onerror = () => reject(new Error("decoder"));
        document.head.appendChild(script);
      }).then(async (api) => {
        const wasm = form.dataset.decoderWasm;
        await api.prepareZXingModule({
          overrides: {locateFile: (path, prefix) => (path.endsWith(".wasm") ? wasm : prefix + path)},
          fireImmediately: true});
        return new api.BarcodeDetector({formats: FORMATS});
      });
      deviceDecoder.catch(() => { deviceDecoder = null; });  // try again next time
    }
    return deviceDecoder;
  }

  async function postImage(blob, live) {
    const data = new FormData();
    data.append("image", blob, "scan.jpg");
    const res = await fetch("/api/v1/scan/image" + (live ? "?live=1" : ""), {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"X-CSRFToken": K.csrf()}});
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((answer.error && answer.error.message) || T.error);
    return answer.results || [];
  }

  // Phone photos are large: send at most 2000 px (what the server decodes anyway).
  async function shrink(file) {
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, 2000 / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size < 3000000) return file;
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return await new Promise((resolve) => canvas.toBlob((b) => resolve(b || file), "image/jpeg", 0.9));
    } catch (e) {
      return file;
    }
  }

  K.scanner = function (form, onHit) {
    const input = form.querySelector('input[name="payload"]');
    const statusLine = form.querySelector("[data-status]");
    const cameraButton = form.querySelector("[data-camera]");
    const photo = form.querySelector("[data-photo]");
    const finder = form.querySelector(".viewfinder");
    const video = finder.querySelector("video");
    const accepted = (form.dataset.accept || "").split(",").filter(Boolean);
    let stream = null, timer = null, detector = null, busy = false, lastUnknown = "";

    function say(message, ok) {
      delete statusLine.dataset.offline;
      statusLine.textContent = message || "";
      statusLine.className = "scan-status" + (ok === true ? " ok" : ok === false ? " fail" : ok ? " " + ok : "");
    }
    function fail(message) {
      K.feedback(false);
      say(message, false);
      return false;
    }

    // onHit may answer later (a lookup): a string refuses, {warn: true, message} accepts
    // with a warning (its own sound), anything else accepts.
    async function accept(hit) {
      if (accepted.length && !accepted.includes(hit.kind)) {
        const wanted = accepted[0] === "production_order" ? "order" : accepted[0];
        return fail(T["wrong_" + wanted] || T.unknown);
      }
      const verdict = await onHit(hit);
      if (typeof verdict === "string") return fail(verdict);
      if (verdict && verdict.warn) {
        K.feedback("warn");
        say(verdict.message, "warn");
        return true;
      }
      K.feedback(true);
      const kind = T["kind_" + (hit.kind === "production_order" ? "order" : hit.kind)];
      say((verdict && verdict.message) || ((kind || hit.kind) + " " + hit.code), true);
      return true;
    }

    async function fromText(text) {
      text = text.trim();
      if (!text || busy) return;
      busy = true;
      try {
        await accept(await K.resolve(text));
      } catch (e) {
        fail(e.message + " — " + text);
        if (e.message === T.offline) statusLine.dataset.offline = "1";
      } finally {
        busy = false;
      }
    }

    function best(results) {
      return results.find((r) => r.resolved) || null;
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value;
      input.value = "";
      fromText(text).then(() => {
        // Ready for the next scan, unless the hit moved on to the next field (lot, then
        // shelf): taking the focus back would send the next scan to the wrong field.
        const here = document.activeElement;
        if (!here || here === document.body || form.contains(here)) input.focus();
      });
    });

    photo.addEventListener("change", async () => {
      const file = photo.files && photo.files[0];
      photo.value = "";
      if (!file) return;
      say(T.scanning);
      try {
        const results = await postImage(await shrink(file), false);
        const hit = best(results);
        if (hit) await accept(hit.resolved);
        else if (results.length) fail(T.unknown + " — " + results[0].payload);
        else fail(T.no_code);
      } catch (e) {
        fail(navigator.onLine ? e.message : T.offline);
        if (!navigator.onLine) statusLine.dataset.offline = "1";
      }
    });

    /* ---- live camera */
    function stop() {
      clearTimeout(timer);
      if (stream) stream.getTracks().forEach((t) => t.stop());
      stream = null;
      finder.hidden = true;
      cameraButton.classList.remove("on");
      cameraButton.querySelector("span").textContent = T.camera;
    }
    async function frame() {
      if (!stream || video.readyState < 2) return;
      if (detector) {
        let codes;
        try {
          codes = await detector.detect(video);
        } catch (e) {
          detector = null;  // the server decodes the next frames
          return;
        }
        if (codes.length) {
          stop();
          await fromText(codes[0].rawValue);
        }
        return;
      }
      const canvas = frame.canvas || (frame.canvas = document.createElement("canvas"));
      const scale = Math.min(1, 1280 / Math.max(video.videoWidth, video.videoHeight));
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
      if (!blob || !stream) return;
      const results = await postImage(blob, true);
      const hit = best(results);
      if (hit) {
        stop();
        await accept(hit.resolved);
      } else if (results.length && results[0].payload !== lastUnknown) {
        lastUnknown = results[0].payload;
        fail(T.unknown + " — " + lastUnknown);
      }
    }
    function loop() {
      frame().catch(() => { /* a lost frame: try the next one */ })
        .finally(() => { if (stream) timer = setTimeout(loop, FRAME_MS); });
    }
    async function start() {
      if (!window.isSecureContext || !navigator.mediaDevices) return fail(T.camera_insecure);
      try {
        stream = await navigator.mediaDevices.getUserMedia({audio: false, video: {
          facingMode: {ideal: "environment"}, width: {ideal: 1280}, height: {ideal: 720}}});
      } catch (e) {
        return fail(T.camera_denied);
      }
      finder.hidden = false;
      cameraButton.classList.add("on");
      cameraButton.querySelector("span").textContent = T.stop;
      video.srcObject = stream;
      await video.play().catch(() => {});
      say(T.scanning);
      if (!detector) {
        detector = await nativeDetector();
        if (!detector && form.dataset.decoder) detector = await loadDeviceDecoder(form).catch(() => null);
      }
      if (stream) loop();
    }
    cameraButton.addEventListener("click", () => (stream ? stop() : start()));
    // "✗ Offline — STORE-A1" is stale once the network is back.
    window.addEventListener("online", () => { if (statusLine.dataset.offline) say(""); });
    document.addEventListener("visibilitychange", () => { if (document.hidden) stop(); });
    window.addEventListener("pagehide", stop);
    if (!window.isSecureContext) cameraButton.title = T.camera_insecure;

    return {say: say, stop: stop, scan: fromText};
  };
})();
