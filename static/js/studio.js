// Small progressive enhancements; every page works without them.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  const message = status === 403 ? "Your role can't do that." :
    status === 404 ? "That no longer exists, or you don't have access to it." :
    "Something went wrong (" + status + "). Your input is still here; try again.";
  let box = document.getElementById("htmx-error");
  if (!box) {
    box = document.createElement("div");
    box.id = "htmx-error";
    box.className = "toast error";
    box.setAttribute("role", "alert");
    document.body.appendChild(box);
  }
  box.textContent = message;
  setTimeout(() => box.remove(), 6000);
});

// The shot editor shows either the layers or the timeline, following the mode radio.
function syncEditorMode(form) {
  const checked = form.querySelector("input[name=mode]:checked");
  if (checked) form.dataset.mode = checked.value;
}
document.addEventListener("change", (event) => {
  if (event.target.name === "mode" && event.target.form) syncEditorMode(event.target.form);
});
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-editor]").forEach(syncEditorMode);
});

// Behaviour that would otherwise be inline handlers (the Content-Security-Policy forbids them).
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]") && event.target.form) {
    event.target.form.requestSubmit();
  }
});
document.addEventListener("submit", (event) => {
  const message = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (message && !window.confirm(message)) event.preventDefault();
});
document.addEventListener("focusin", (event) => {
  if (event.target.matches("input[data-select-on-focus]")) event.target.select();
});

// "Copy link": the clipboard where the browser allows it, else the text selected for Ctrl-C.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  const status = document.querySelector(`[data-copied-for="${button.dataset.copy}"]`);
  field.select();
  let copied = false;
  try {
    await navigator.clipboard.writeText(field.value);
    copied = true;
  } catch (error) {
    copied = document.execCommand && document.execCommand("copy");
  }
  if (status) status.textContent = copied ? "Copied." : "Selected: press Ctrl-C (⌘-C) to copy.";
});

// The storyboard strip: drag a card to reorder; the form posts the new order (its hidden inputs
// follow the cards). Without JavaScript the arrow buttons do the same a place at a time.
function initSortable(root) {
  if (!window.Sortable) return;
  root.querySelectorAll("[data-sortable]").forEach((list) => {
    if (list.dataset.sortableReady) return;
    list.dataset.sortableReady = "1";
    window.Sortable.create(list, {
      animation: 150,
      draggable: ".story-card",
      filter: "button, a",
      preventOnFilter: false,
      onEnd: (event) => {
        if (event.oldIndex !== event.newIndex) window.htmx.trigger(list.closest("form"), "reordered");
      },
    });
  });
}
document.addEventListener("DOMContentLoaded", () => initSortable(document));
document.addEventListener("htmx:load", (event) => initSortable(event.target));

// Selections: "select all in view" ticks every box of its form; the count says how many.
function selectionOf(formId) {
  return Array.from(document.querySelectorAll(`input[type=checkbox][name=take][form="${formId}"]`));
}
function countSelection(formId) {
  const label = document.querySelector(`#${formId} [data-bulk-count]`);
  if (!label) return;
  const n = selectionOf(formId).filter((box) => box.checked).length;
  label.textContent = n ? `${n} selected:` : "Tick takes, or select all in view,";
}
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-select-all]");
  if (all) {
    selectionOf(all.dataset.selectAll).forEach((box) => { box.checked = all.checked; });
    countSelection(all.dataset.selectAll);
  } else if (event.target.matches("input[type=checkbox][name=take][form]")) {
    countSelection(event.target.getAttribute("form"));
  }
});

// "Select all to review" ticks only the takes nobody has decided on yet (not those approved or
// sent back), so a bulk approval never repeats a decision.
document.addEventListener("click", (event) => {
  const only = event.target.closest("[data-select-to-review]");
  if (!only) return;
  const formId = only.dataset.selectToReview;
  selectionOf(formId).forEach((box) => { box.checked = box.hasAttribute("data-to-review"); });
  const all = document.querySelector(`[data-select-all="${formId}"]`);
  if (all) all.checked = false;
  countSelection(formId);
});

// Enter in a "what should change" note sends the take back (never approves it); Enter in a
// selection's note does nothing (a button says what happens).
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.target.tagName !== "INPUT") return;
  const changes = event.target.closest(".changes-note, [data-intent=changes]");
  if (changes) {
    event.preventDefault();
    // A click, not requestSubmit(): htmx takes the verdict from the button clicked.
    event.target.form.querySelector("button[value=changes_requested]").click();
  } else if (event.target.form && event.target.form.matches("[data-bulk]")) {
    event.preventDefault();
  }
});

// The take page's keys: A approve, R request changes (the note takes the focus; Enter sends
// it back), N / P the next and previous take. Never while typing.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  const key = event.key.toLowerCase();
  const target = document.querySelector(`[data-key="${key}"]`);
  if (!target) return;
  event.preventDefault();
  if (key === "r") {
    const form = target.form;
    form.dataset.intent = "changes";
    const note = form.querySelector("input[name=note]");
    note.placeholder = "What should change? Enter sends the take back.";
    note.focus();
  } else {
    target.click();
  }
});

// A message about work in progress ("Take 1 queued.") goes once nothing is in progress.
function dropSettledMessages() {
  if (document.querySelector("[data-working]")) return;
  document.querySelectorAll(".message.while-working").forEach((message) => message.remove());
  document.querySelectorAll("ul.messages").forEach((list) => { if (!list.children.length) list.remove(); });
}
document.addEventListener("DOMContentLoaded", dropSettledMessages);
document.addEventListener("htmx:afterSettle", dropSettledMessages);

// Spot players: the frame takes the channel's shape and the safe-zone overlay its insets, read
// from data attributes (the page's CSP allows no inline style).
function shapeSpotPlayers(root) {
  root.querySelectorAll("[data-frame-aspect]").forEach((frame) => {
    frame.style.aspectRatio = frame.dataset.frameAspect;
  });
  root.querySelectorAll("[data-safe-insets]").forEach((overlay) => {
    const [top, right, bottom, left] = overlay.dataset.safeInsets.split(" ");
    Object.assign(overlay.style, { top, right, bottom, left });
  });
}
document.addEventListener("DOMContentLoaded", () => shapeSpotPlayers(document));
document.addEventListener("htmx:load", (event) => shapeSpotPlayers(event.target));

// A channel's safe zone over a take's player: the shaded area covers what the platform's
// interface covers, fitted to the picture as the player shows it (letterboxed or not).
document.addEventListener("change", (event) => {
  const box = event.target.closest("[data-safe-over-player]");
  if (!box) return;
  const video = document.querySelector("video[data-player]");
  if (!video) return;
  const holder = video.parentElement;
  holder.querySelectorAll(".safe-overlay.over-player").forEach((old) => old.remove());
  document.querySelectorAll("[data-safe-over-player]").forEach((other) => { if (other !== box) other.checked = false; });
  if (!box.checked) return;
  const [top, right, bottom, left] = box.dataset.safeOverPlayer.split(" ").map(parseFloat);
  const [w, h] = box.dataset.safeAspect.split("/").map(Number);
  const shown = video.getBoundingClientRect();
  const scale = Math.min(shown.width / w, shown.height / h);
  const pw = w * scale, ph = h * scale;
  const overlay = document.createElement("div");
  overlay.className = "safe-overlay over-player";
  overlay.setAttribute("aria-hidden", "true");
  holder.style.position = "relative";
  Object.assign(overlay.style, {
    display: "block",
    left: `${video.offsetLeft + (shown.width - pw) / 2 + (pw * left) / 100}px`,
    top: `${video.offsetTop + (shown.height - ph) / 2 + (ph * top) / 100}px`,
    width: `${pw * (1 - (left + right) / 100)}px`,
    height: `${ph * (1 - (top + bottom) / 100)}px`,
  });
  holder.appendChild(overlay);
});
