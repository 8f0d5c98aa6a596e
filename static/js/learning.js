// 在线学习: resume where the member left off and send study heartbeats. The server decides
// what counts (forum/learning/timing.py): this page only reports whether it is visible, whether
// the member is active (media playing, or an interaction in the last minute) and the position.
(function () {
  "use strict";
  var root = document.getElementById("study");
  if (!root) return;
  var id = root.getAttribute("data-resource");
  var every = parseInt(root.getAttribute("data-beat"), 10) * 1000 || 15000;
  var resume = parseFloat(root.getAttribute("data-position")) || 0;
  var player = document.getElementById("player");
  var status = document.getElementById("study-status");
  var token = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var tab = (window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2)).slice(0, 40);
  var lastInput = Date.now();
  var timer = null;

  ["pointerdown", "keydown", "scroll", "touchstart", "wheel"].forEach(function (name) {
    window.addEventListener(name, function () { lastInput = Date.now(); }, { passive: true });
  });

  function active() {
    if (player) return !player.paused && !player.ended;
    return Date.now() - lastInput < 60000;
  }

  function position() {
    return player ? Math.max(0, player.currentTime || 0) : 0;
  }

  // `live` overrides the activity test: a pause or the end closes the interval just played
  // (live), then an idle beat ends the chain, so time paused never counts.
  function beat(keepalive, live) {
    var visible = document.visibilityState === "visible";
    var body = JSON.stringify({
      tab: tab,
      position: position(),
      visible: visible,
      active: visible && (live === undefined ? active() : live),
    });
    return fetch("/api/v1/learning/resources/" + id + "/beat", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: body,
      credentials: "same-origin",
      keepalive: !!keepalive,
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data || !status) return;
      root.setAttribute("data-counted", String(data.counted_seconds));
      root.setAttribute("data-furthest", String(data.furthest));
      root.setAttribute("data-reason", data.reason);
      if (data.completed) {
        status.textContent = "已完成学习。";
        root.setAttribute("data-completed", "1");
      } else if (data.reason === "other_tab") {
        status.textContent = "另一个标签页正在学习此内容，本页不计时。";
      } else {
        status.textContent = "已学习 " + (data.counted_seconds / 60).toFixed(1) + " 分钟。";
      }
    }).catch(function () { /* offline: the next beat tries again */ });
  }

  if (player) {
    var seek = function () {
      if (resume > 0 && player.duration && resume < player.duration - 1) player.currentTime = resume;
    };
    if (player.readyState >= 1) seek(); else player.addEventListener("loadedmetadata", seek, { once: true });
    player.addEventListener("play", function () { beat(false, true); });
    player.addEventListener("seeked", function () { beat(false); });
    ["pause", "ended"].forEach(function (name) {
      player.addEventListener(name, function () {
        beat(false, true).then(function () { return beat(false, false); });
      });
    });
  }
  document.addEventListener("visibilitychange", function () { beat(document.visibilityState !== "visible"); });
  window.addEventListener("pagehide", function () { beat(true); });
  beat(false);
  timer = window.setInterval(function () { beat(false); }, every);
  window.grassrootsStudy = { beat: beat, tab: tab, stop: function () { window.clearInterval(timer); } };
})();
