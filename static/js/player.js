// Review player: frame step, speed, timecodes from the player, comments that seek, a
// spritesheet scrub, and two players kept in sync on the compare page.
(function () {
  function fmt(seconds) {
    const m = Math.floor(seconds / 60);
    const s = (seconds - m * 60).toFixed(1).padStart(4, "0");
    return String(m).padStart(2, "0") + ":" + s;
  }

  function setup(root) {
    const video = root.querySelector("video[data-player]");
    if (!video || video.dataset.ready) return;
    video.dataset.ready = "1";
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

  function syncCompare() {
    const players = Array.from(document.querySelectorAll("video[data-sync]"));
    if (players.length !== 2) return;
    let busy = false;
    const mirror = (source, target) => {
      source.addEventListener("play", () => { if (!busy && target.paused) { busy = true; target.currentTime = source.currentTime; target.play().finally(() => { busy = false; }); } });
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
        players.forEach((v) => { v.currentTime = start; v.play(); });
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
