// Review player: Plyr (vendored) for the controls, volume, speed and full screen, with comment
// markers on the scrub bar; our own J/K/L and frame-step keys, a loop range, timecodes that stamp
// comments, comments that seek, a spritesheet scrub, and two players kept in sync on the compare
// page.
(function () {
  const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => ({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
  })[c]);

  // A pause() that comes before playback has started rejects play()'s promise with an AbortError:
  // that is the reviewer changing their mind (K twice, a double click on Plyr's play button), not
  // an error. Our own calls go through play(); Plyr's controls are covered by the listener.
  const interruptedPlay = (reason) => reason instanceof DOMException && reason.name === "AbortError"
    && /play\(\)/.test(reason.message);
  const play = (video) => Promise.resolve(video.play()).catch((reason) => {
    if (!interruptedPlay(reason)) throw reason;
  });
  window.addEventListener("unhandledrejection", (event) => {
    if (interruptedPlay(event.reason)) event.preventDefault();
  });

  function markers() {
    const data = document.getElementById("player-markers");
    if (!data) return [];
    // Plyr writes a marker's label as HTML: comment text is escaped first.
    return JSON.parse(data.textContent).map((m) => ({ time: m.time, label: escapeHtml(m.label) }));
  }

  function enhance(root, video) {
    if (!window.Plyr || root.dataset.plain !== undefined) return null;
    const points = markers();
    return new window.Plyr(video, {
      iconUrl: root.dataset.iconUrl,
      blankVideo: "",
      keyboard: { focused: false, global: false },  // our own keys below (J/K/L, frames)
      controls: ["play-large", "play", "progress", "current-time", "duration", "mute", "volume",
        "settings", "fullscreen"],
      settings: ["speed"],
      speed: { selected: 1, options: [0.25, 0.5, 1, 1.5, 2] },
      markers: { enabled: points.length > 0, points: points },
      seekTime: 1,
      invertTime: false,
    });
  }
  function fmt(seconds) {
    const m = Math.floor(seconds / 60);
    const s = (seconds - m * 60).toFixed(1).padStart(4, "0");
    return String(m).padStart(2, "0") + ":" + s;
  }

  function setup(root) {
    const video = root.querySelector("video[data-player]");
    if (!video || video.dataset.ready) return;
    video.dataset.ready = "1";
    const player = enhance(root, video);
    const fps = parseFloat(video.dataset.fps) || 24;
    const clock = root.querySelector("[data-clock]");
    const update = () => { if (clock) clock.textContent = fmt(video.currentTime || 0); };
    video.addEventListener("timeupdate", update);
    video.addEventListener("seeked", update);
    root.querySelectorAll("[data-step]").forEach((button) => {
      button.addEventListener("click", () => {
        video.pause();
        const step = parseFloat(button.dataset.step) / fps;
        video.currentTime = Math.max(0, Math.min(video.duration || 0, video.currentTime + step));
      });
    });
    const speed = root.querySelector("[data-speed]");
    if (speed) speed.addEventListener("change", () => { video.playbackRate = parseFloat(speed.value); });
    loopRange(root, video);
    if (root.dataset.keys !== undefined) keys(video, player, fps);
    stampWhileTyping(video);
    const sprite = root.querySelector("[data-spritesheet]");
    if (sprite) {
      sprite.addEventListener("mousemove", (event) => {
        const box = sprite.getBoundingClientRect();
        if (video.duration) video.currentTime = video.duration * (event.clientX - box.left) / box.width;
      });
    }
    document.addEventListener("click", (event) => {
      const use = event.target.closest("[data-use-time]");
      if (use) {
        const input = document.getElementById(use.dataset.useTime);
        if (input) input.value = fmt(video.currentTime || 0);
        return;
      }
      const seek = event.target.closest("[data-seek]");
      if (seek) {
        event.preventDefault();
        video.pause();
        video.currentTime = parseFloat(seek.dataset.seek);
        update();
      }
    });
  }

  // A loop range: "Loop from here" / "Loop to here" set its ends; playing stays inside it.
  function loopRange(root, video) {
    const range = { from: null, to: null };
    const label = root.querySelector("[data-loop-label]");
    const show = () => {
      if (label) label.textContent = range.from !== null && range.to !== null
        ? `Looping ${fmt(range.from)}–${fmt(range.to)}` : "";
      root.dataset.looping = String(range.from !== null && range.to !== null);
    };
    root.querySelectorAll("[data-loop]").forEach((button) => {
      button.addEventListener("click", () => {
        const which = button.dataset.loop;
        if (which === "clear") { range.from = range.to = null; }
        else if (which === "from") { range.from = video.currentTime; if (range.to !== null && range.to <= range.from) range.to = null; }
        else if (which === "to") { range.to = video.currentTime; if (range.from === null || range.from >= range.to) range.from = 0; }
        show();
      });
    });
    video.addEventListener("timeupdate", () => {
      if (range.from !== null && range.to !== null && (video.currentTime >= range.to || video.currentTime < range.from - 0.05)) {
        video.currentTime = range.from;
      }
    });
    root.loopRange = range;
  }

  // Editing keys, as in an edit suite: J back a second, K play/pause, L play (again: faster),
  // ←/→ one frame, space play/pause, F full screen, M mute. Not while typing.
  function keys(video, player, fps) {
    document.addEventListener("keydown", (event) => {
      const target = event.target;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (target.closest("input, textarea, select, [contenteditable]")) return;
      const step = (frames) => {
        video.pause();
        video.currentTime = Math.max(0, Math.min(video.duration || 0, video.currentTime + frames / fps));
      };
      const actions = {
        j: () => { video.pause(); video.currentTime = Math.max(0, video.currentTime - 1); },
        k: () => { if (video.paused) play(video); else video.pause(); },
        " ": () => { if (video.paused) play(video); else video.pause(); },
        l: () => {
          if (video.paused) { video.playbackRate = 1; play(video); }
          else { video.playbackRate = Math.min(2, video.playbackRate * 2); }
        },
        arrowleft: () => step(-1),
        arrowright: () => step(1),
        f: () => { if (player) player.fullscreen.toggle(); },
        m: () => { video.muted = !video.muted; },
        // In and out points for the spots (the take page's trim form), to the hundredth.
        i: () => { const field = document.getElementById("trim-in"); if (field) field.value = video.currentTime.toFixed(2); },
        o: () => { const field = document.getElementById("trim-out"); if (field) field.value = video.currentTime.toFixed(2); },
      };
      const action = actions[event.key.toLowerCase()];
      if (action) { event.preventDefault(); action(); }
    });
  }

  // Typing a comment pauses the take and stamps where it was; seeking while a comment is being
  // written moves the stamp with it.
  function stampWhileTyping(video) {
    const body = document.getElementById("comment-body");
    const stamp = () => {
      const field = document.getElementById("comment-timecode");
      if (field) field.value = fmt(video.currentTime || 0);
    };
    document.addEventListener("input", (event) => {
      if (event.target.id !== "comment-body") return;
      const field = document.getElementById("comment-timecode");
      if (!video.paused) { video.pause(); stamp(); }
      else if (field && !field.value) stamp();
    });
    video.addEventListener("seeked", () => {
      const current = document.getElementById("comment-body");
      if (current && (current.value.trim() || document.activeElement === current)) stamp();
    });
    return body;
  }

  function syncCompare() {
    const players = Array.from(document.querySelectorAll("video[data-sync]"));
    if (players.length !== 2) return;
    let busy = false;
    const mirror = (source, target) => {
      source.addEventListener("play", () => { if (!busy && target.paused) { busy = true; target.currentTime = source.currentTime; play(target).finally(() => { busy = false; }); } });
      source.addEventListener("pause", () => { if (!busy && !target.paused) { busy = true; target.pause(); busy = false; } });
      source.addEventListener("seeked", () => {
        if (!busy && Math.abs(target.currentTime - source.currentTime) > 0.05) { busy = true; target.currentTime = source.currentTime; setTimeout(() => { busy = false; }, 50); }
      });
    };
    mirror(players[0], players[1]);
    mirror(players[1], players[0]);
  }

  // Compare: one "Play both", and two layouts: side by side, or take B wiped over take A.
  function compareControls() {
    const stage = document.querySelector("[data-compare]");
    const controls = document.querySelector("[data-compare-controls]");
    if (!stage || !controls) return;
    const players = Array.from(stage.querySelectorAll("video[data-sync]"));
    const playBoth = controls.querySelector("[data-play-both]");
    const label = () => { playBoth.textContent = players.some((v) => !v.paused) ? "Pause both" : "Play both"; };
    playBoth.addEventListener("click", () => {
      if (players.some((v) => !v.paused)) {
        players.forEach((v) => v.pause());
      } else {
        const start = players.length ? players[0].currentTime : 0;
        players.forEach((v) => { v.currentTime = start; play(v); });
      }
    });
    players.forEach((v) => { v.addEventListener("play", label); v.addEventListener("pause", label); });
    const wipe = stage.querySelector("[data-wipe]");
    const second = stage.querySelector("[data-pane='2'] video");
    const applyWipe = () => {
      if (second) second.style.clipPath = stage.dataset.mode === "wipe" ? `inset(0 0 0 ${wipe.value}%)` : "";
    };
    controls.querySelectorAll("[data-compare-mode]").forEach((button) => {
      button.addEventListener("click", () => {
        stage.dataset.mode = button.dataset.compareMode;
        controls.querySelectorAll("[data-compare-mode]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
        applyWipe();
      });
    });
    if (wipe) wipe.addEventListener("input", applyWipe);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-review-player]").forEach(setup);
    syncCompare();
    compareControls();
  });
})();
