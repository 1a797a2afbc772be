// Drawings on the paused frame and range comments. A layer of SVG over the picture, its viewBox
// the video's own pixels (so it scales with the player and letterboxes as the picture does);
// shapes are kept in 0–1 of the picture. Draw: pick a tool (arrow, box, ellipse, pen, text) and
// a colour, then drag on the frame; Undo and Clear; the shapes travel in the comment form's
// hidden "drawing" field. Saved drawings show when playback reaches their comment's time (for a
// second, or to the end of its range) and when the comment is clicked. I and O set a range's in
// and out points; a range comment, clicked, plays its span as a loop. No inline style or script:
// attributes and the CSSOM only (CSP).
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const COLOURS = { red: "#ff3b30", yellow: "#ffd60a", green: "#30d158", blue: "#0a84ff", white: "#ffffff" };
  const SHOWN_FOR = 1.0;  // seconds a drawing stays up after its time, when it has no range

  const node = (name, attrs) => {
    const el = document.createElementNS(SVG, name);
    Object.entries(attrs).forEach(([key, value]) => el.setAttribute(key, String(value)));
    return el;
  };
  const fmt = (seconds) => {
    const m = Math.floor(seconds / 60);
    return String(m).padStart(2, "0") + ":" + (seconds - m * 60).toFixed(2).padStart(5, "0");
  };

  function draw(group, shapes, width, height) {
    while (group.firstChild) group.removeChild(group.firstChild);
    const px = (p) => [p[0] * width, p[1] * height];
    shapes.forEach((shape) => {
      const colour = COLOURS[shape.color] || COLOURS.red;
      const stroke = { stroke: colour, "stroke-width": 3, fill: "none", "vector-effect": "non-scaling-stroke",
        "stroke-linecap": "round", "stroke-linejoin": "round" };
      const pts = shape.points.map(px);
      if (shape.kind === "rect") {
        const [[x1, y1], [x2, y2]] = pts;
        group.appendChild(node("rect", { ...stroke, x: Math.min(x1, x2), y: Math.min(y1, y2),
          width: Math.abs(x2 - x1), height: Math.abs(y2 - y1), "data-kind": "rect" }));
      } else if (shape.kind === "ellipse") {
        const [[x1, y1], [x2, y2]] = pts;
        group.appendChild(node("ellipse", { ...stroke, cx: (x1 + x2) / 2, cy: (y1 + y2) / 2,
          rx: Math.abs(x2 - x1) / 2, ry: Math.abs(y2 - y1) / 2, "data-kind": "ellipse" }));
      } else if (shape.kind === "arrow") {
        const [[x1, y1], [x2, y2]] = pts;
        const head = Math.max(12, Math.min(width, height) / 30);
        const angle = Math.atan2(y2 - y1, x2 - x1);
        const wing = (turn) => `${x2 - head * Math.cos(angle + turn)},${y2 - head * Math.sin(angle + turn)}`;
        const arrow = node("g", { "data-kind": "arrow" });
        arrow.appendChild(node("line", { ...stroke, x1, y1, x2, y2 }));
        arrow.appendChild(node("polyline", { ...stroke, points: `${wing(0.45)} ${x2},${y2} ${wing(-0.45)}` }));
        group.appendChild(arrow);
      } else if (shape.kind === "path") {
        group.appendChild(node("polyline", { ...stroke, points: pts.map((p) => p.join(",")).join(" "), "data-kind": "path" }));
      } else if (shape.kind === "text") {
        const text = node("text", { x: pts[0][0], y: pts[0][1], fill: colour, stroke: "#000",
          "stroke-width": Math.max(1, height / 360), "paint-order": "stroke", "font-size": Math.max(14, height / 16),
          "font-family": "sans-serif", "font-weight": "bold", "data-kind": "text" });
        text.textContent = shape.text;  // text, never markup
        group.appendChild(text);
      }
    });
  }

  function setup(root) {
    const video = root.querySelector("video[data-player]");
    if (!video || root.dataset.drawReady) return;
    root.dataset.drawReady = "1";
    const host = video.parentElement;  // Plyr's video wrapper, or the player itself
    host.classList.add("draw-host");
    const layer = node("svg", { class: "draw-layer", "aria-hidden": "true", preserveAspectRatio: "xMidYMid meet",
      viewBox: "0 0 1280 720", "data-draw-layer": "" });
    const saved = node("g", { "data-saved": "" });
    const draft = node("g", { "data-draft": "" });
    const preview = node("g", { "data-preview": "" });
    layer.append(saved, draft, preview);
    host.appendChild(layer);
    const size = () => [video.videoWidth || 1280, video.videoHeight || 720];
    const fit = () => { const [w, h] = size(); layer.setAttribute("viewBox", `0 0 ${w} ${h}`); render(); };
    video.addEventListener("loadedmetadata", fit);

    const state = { tool: null, color: "red", shapes: [], pinned: null, drawings: [], current: null };
    const field = () => document.getElementById("comment-drawing");
    const load = () => {
      const data = document.getElementById(root.dataset.drawings || "player-drawings");
      state.drawings = data ? JSON.parse(data.textContent) : [];
      const kept = field();
      state.shapes = kept && kept.value ? JSON.parse(kept.value) : [];
      render();
    };
    const save = () => { const f = field(); if (f) f.value = state.shapes.length ? JSON.stringify(state.shapes) : ""; };
    function render() {
      const [w, h] = size();
      const t = video.currentTime || 0;
      const showing = state.pinned ? [state.pinned] : state.drawings.filter((d) =>
        t >= d.time - 0.02 && t < (d.end !== null && d.end !== undefined ? d.end : d.time + SHOWN_FOR));
      draw(saved, showing.flatMap((d) => d.shapes), w, h);
      layer.dataset.showing = showing.map((d) => d.id).join(" ");
      draw(draft, state.shapes, w, h);
      draw(preview, state.current ? [state.current] : [], w, h);
    }
    video.addEventListener("timeupdate", render);
    video.addEventListener("seeked", render);
    video.addEventListener("play", () => { state.pinned = null; render(); });

    const where = (event) => {
      const matrix = layer.getScreenCTM();
      if (!matrix) return [0, 0];
      const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      const [w, h] = size();
      const clamp = (v) => Math.round(Math.min(1, Math.max(0, v)) * 10000) / 10000;
      return [clamp(point.x / w), clamp(point.y / h)];
    };
    const stamp = () => {
      const at = document.getElementById("comment-timecode");
      if (at) at.value = fmt(video.currentTime || 0);
    };
    layer.addEventListener("pointerdown", (event) => {
      if (!state.tool) return;
      event.preventDefault();
      video.pause();
      stamp();  // the drawing belongs to this frame
      state.pinned = null;
      const start = where(event);
      if (state.tool === "text") {
        const input = document.querySelector("[data-draw-text]");
        const text = input ? input.value.trim() : "";
        if (!text) { if (input) input.focus(); return; }
        state.shapes.push({ kind: "text", color: state.color, points: [start], text: text });
        save(); render();
        return;
      }
      layer.setPointerCapture(event.pointerId);
      state.current = { kind: state.tool, color: state.color, points: [start, start] };
      render();
    });
    layer.addEventListener("pointermove", (event) => {
      if (!state.current) return;
      const point = where(event);
      if (state.current.kind === "path") {
        if (state.current.points.length < 400) state.current.points.push(point);
      } else {
        state.current.points[1] = point;
      }
      render();
    });
    const finish = () => {
      const shape = state.current;
      state.current = null;
      if (!shape) return;
      if (shape.kind === "path" && shape.points.length > 2) shape.points.shift();  // the duplicate start
      const [a, b] = [shape.points[0], shape.points[shape.points.length - 1]];
      if (Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) > 0.004 || shape.kind === "path") state.shapes.push(shape);
      save(); render();
    };
    layer.addEventListener("pointerup", finish);
    layer.addEventListener("pointercancel", finish);
    // A click on the frame while drawing is the drawing's, not the player's (Plyr would play).
    ["click", "dblclick", "mousedown", "mouseup"].forEach((name) => layer.addEventListener(name, (event) => {
      if (state.tool) { event.stopPropagation(); event.preventDefault(); }
    }));

    document.addEventListener("click", (event) => {
      const tool = event.target.closest("[data-draw-tool]");
      if (tool) {
        state.tool = state.tool === tool.dataset.drawTool ? null : tool.dataset.drawTool;
        document.querySelectorAll("[data-draw-tool]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.drawTool === state.tool)));
        layer.classList.toggle("drawing", state.tool !== null);
        if (state.tool) video.pause();
        return;
      }
      const colour = event.target.closest("[data-draw-color]");
      if (colour) {
        state.color = colour.dataset.drawColor;
        document.querySelectorAll("[data-draw-color]").forEach((b) => b.setAttribute("aria-pressed", String(b === colour)));
        return;
      }
      if (event.target.closest("[data-draw-undo]")) { state.shapes.pop(); save(); render(); return; }
      if (event.target.closest("[data-draw-clear]")) { state.shapes = []; save(); render(); return; }
      const seek = event.target.closest("[data-seek]");
      if (seek) {
        const id = seek.dataset.drawing;
        state.pinned = id ? state.drawings.find((d) => String(d.id) === id) || null : null;
        const end = seek.dataset.seekEnd;
        if (end !== undefined && root.loopRange) {  // a range comment: its span, as a loop
          root.loopRange.from = parseFloat(seek.dataset.seek);
          root.loopRange.to = parseFloat(end);
          root.dataset.looping = "true";
          const label = root.querySelector("[data-loop-label]");
          if (label) label.textContent = `Looping ${fmt(root.loopRange.from)}–${fmt(root.loopRange.to)}`;
          state.pinned = null;
          video.currentTime = root.loopRange.from;
          Promise.resolve(video.play()).catch(() => {});
        }
        setTimeout(render, 0);
      }
    });

    // I and O: the range's in and out points, in the comment form and as the player's loop.
    document.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.target.closest("input, textarea, select, [contenteditable]")) return;
      const key = event.key.toLowerCase();
      if (key !== "i" && key !== "o") return;
      event.preventDefault();
      const id = key === "i" ? "comment-timecode" : "comment-end-timecode";
      const input = document.getElementById(id);
      if (input) input.value = fmt(video.currentTime || 0);
      if (root.loopRange) {
        if (key === "i") root.loopRange.from = video.currentTime;
        else root.loopRange.to = video.currentTime;
      }
      spans();
    });

    // Ranges as spans on the scrub bar: the saved ones and the one being marked.
    function spans() {
      const bar = root.querySelector(".plyr__progress") || root.querySelector(".player-bar");
      if (!bar || !video.duration) return;
      bar.querySelectorAll(".range-span").forEach((s) => s.remove());
      const add = (from, to, mark) => {
        if (!(to > from)) return;
        const span = document.createElement("span");
        span.className = "range-span" + (mark ? " marking" : "");
        span.style.left = `${(100 * from) / video.duration}%`;
        span.style.width = `${(100 * (to - from)) / video.duration}%`;
        span.dataset.from = from.toFixed(2);
        span.dataset.to = to.toFixed(2);
        bar.appendChild(span);
      };
      state.drawings.forEach((d) => { if (d.end !== null && d.end !== undefined) add(d.time, d.end, false); });
      const range = root.loopRange;
      if (range && range.from !== null && range.to !== null) add(range.from, range.to, true);
    }
    video.addEventListener("loadedmetadata", spans);
    // The comment form comes back from the server after a post, its tool buttons off: the tool
    // follows what the buttons show (never a tool on behind a button that says off).
    const syncTool = () => {
      const pressed = document.querySelector('[data-draw-tool][aria-pressed="true"]');
      state.tool = pressed ? pressed.dataset.drawTool : null;
      layer.classList.toggle("drawing", state.tool !== null);
    };
    document.body.addEventListener("htmx:afterSwap", () => { syncTool(); load(); spans(); });
    load();
    if (video.readyState >= 1) { fit(); spans(); }
  }

  document.addEventListener("DOMContentLoaded", () => {
    // After player.js has set the players up (Plyr wraps the video first).
    setTimeout(() => document.querySelectorAll("[data-review-player]").forEach(setup), 0);
  });
})();
