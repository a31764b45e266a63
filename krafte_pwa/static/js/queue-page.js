/* The queue page: what waits on this device, what the server refused and why (to fix or
   discard), and what was sent lately. */
(function () {
  "use strict";
  const K = window.Krafte;
  const T = K.T;
  const Q = K.queue;
  const list = document.querySelector("[data-queue-list]");
  const sentList = document.querySelector("[data-sent-list]");
  // In the page's language, in this device's time zone (2 déc. 2026, 14:05).
  const when = new Intl.DateTimeFormat(document.documentElement.lang,
                                       {dateStyle: "medium", timeStyle: "short"});

  function button(text, action, primary) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    if (primary) b.className = "primary";
    b.addEventListener("click", action);
    return b;
  }

  function fix(entry, li) {
    li.querySelector(".actions").hidden = true;
    const box = document.createElement("form");
    box.className = "row";
    const input = document.createElement("input");
    input.name = "quantity";
    input.inputMode = "decimal";
    input.value = entry.body.quantity;
    input.setAttribute("aria-label", T.edit);
    const save = document.createElement("button");
    save.className = "primary";
    save.textContent = T.save_send;
    box.append(input, save);
    box.addEventListener("submit", async (event) => {
      event.preventDefault();
      entry.body.quantity = input.value.trim();
      if (entry.values) entry.values.quantity = entry.body.quantity;
      else if (T[entry.labelKey]) entry.values = Object.assign({}, entry.body);
      entry.label = K.describe(entry);
      entry.key = K.uuid();  // a changed action is a new action
      await again(entry);
    });
    li.append(box);
    input.focus();
  }

  async function again(entry) {
    entry.state = "pending";
    delete entry.error;
    delete entry.refusal;
    await Q.put(entry);
    await Q.replay();
    render();
  }

  async function render() {
    const entries = await Q.all();
    list.replaceChildren();
    document.querySelector("[data-queue-empty]").hidden = entries.length > 0;
    for (const entry of entries) {
      const li = document.createElement("li");
      li.className = "entry " + entry.state;
      li.dataset.key = entry.key;
      const title = document.createElement("strong");
      K.fill(title, K.describe(entry), entry);
      const meta = document.createElement("p");
      meta.className = "muted";
      meta.textContent = when.format(new Date(entry.created)) + " · " +
        (entry.state === "refused" ? T.refused : T.pending);
      li.append(title, meta);
      if (entry.state === "refused") {
        const reason = document.createElement("p");
        reason.className = "reason";
        K.fill(reason, K.reason(entry), entry);
        li.append(reason);
      }
      if (entry.user !== K.user) {
        const note = document.createElement("p");
        note.textContent = K.fmt(T.other_user, {user: entry.user});
        li.append(note);
      }
      const actions = document.createElement("div");
      actions.className = "row actions";
      if (entry.state === "refused") {
        actions.append(button(T.retry, () => again(entry), true));
        if (entry.body && "quantity" in entry.body) actions.append(button(T.edit, () => fix(entry, li)));
      }
      actions.append(button(T.discard, async () => {
        if (!window.confirm(T.confirm_discard)) return;
        await Q.remove(entry.id);
        K.updateBadge();
      }));
      li.append(actions);
      list.append(li);
    }
    const sent = (await Q.sent()).reverse();
    sentList.replaceChildren(...sent.map((s) => {
      const li = document.createElement("li");
      K.fill(li, "✓ " + when.format(new Date(s.at)) + " · " + K.describe(s), s);
      const lots = (s.answer && Array.isArray(s.answer.lots)) ? s.answer.lots : [];
      if (lots.length) {
        // A receipt: its new lots, each with its label, and all the labels at once.
        const box = document.createElement("p");
        box.className = "row sent-lots";
        for (const lot of lots) {
          const code = document.createElement("a");
          code.className = "code";
          code.href = "/l/" + encodeURIComponent(lot.code);
          code.textContent = lot.code;
          const label = document.createElement("a");
          label.className = "button";
          label.href = "/labels/lots/" + encodeURIComponent(lot.code) + ".pdf";
          label.target = "_blank";
          label.dataset.label = lot.code;
          label.textContent = T.label;
          box.append(code, label);
        }
        const all = document.createElement("a");
        all.className = "button primary";
        all.href = "/labels/lots.pdf?layout=roll&codes=" +
          lots.map((l) => encodeURIComponent(l.code)).join(",");
        all.target = "_blank";
        all.textContent = T.print_labels;
        box.append(all);
        li.append(box);
      }
      return li;
    }));
  }

  document.querySelector("[data-replay]").addEventListener("click", () => Q.replay().then(render));
  document.addEventListener("krafte:queue", () => { if (!list.querySelector("form")) render(); });
  render();
})();
