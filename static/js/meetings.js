// Live updates for the meeting room, on the shared client `static/js/realtime.js`.
// The page works without this file: every control is a POST form. Here we subscribe to
// `meeting:{id}` from the id the page was rendered with, append discussion messages and
// update the counts as events arrive; structural changes re-render the page from the server.
(function () {
  "use strict";
  var room = document.getElementById("room");
  var rt = window.GrassrootsRealtime;
  if (!room || !rt) { return; }
  var channel = room.getAttribute("data-channel");
  var status = room.getAttribute("data-status");
  if (status === "ended" || status === "archived" || status === "draft") { return; }
  var indicator = document.getElementById("live-indicator");
  var notice = document.getElementById("room-notice");
  var isHost = room.getAttribute("data-host") === "1";
  var pendingReload = false;

  // Events that change the structure of the page: re-render from the server unless the
  // member is typing (then say so and let them refresh).
  var STRUCTURAL = ["meeting.started", "meeting.ended", "meeting.paused", "discussion.locked",
    "agenda.advanced", "hand.raised", "floor.given", "vote.created", "vote.opened", "vote.closed",
    "participant.muted", "participant.removed", "participant.restored", "leave.requested",
    "written_opinion.entered", "roll.changed", "recorder.named"];

  function typing() {
    var body = document.getElementById("message-body");
    var active = document.activeElement;
    var editing = active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA" ||
      active.tagName === "SELECT");
    return Boolean((body && body.value.trim() !== "") || editing);
  }

  function reloadSoon(text) {
    if (!typing()) { window.location.reload(); return; }
    pendingReload = true;
    if (notice) {
      notice.querySelector("span").textContent = text || "会议状态已更新。";
      notice.hidden = false;
    }
  }

  function setCount(name, value) {
    var nodes = room.querySelectorAll('[data-count="' + name + '"]');
    for (var i = 0; i < nodes.length; i++) { nodes[i].textContent = String(value); }
  }

  function updateAttendance(a) {
    if (!a) { return; }
    ["expected", "present", "on_leave", "absent", "expected_voters", "present_voters"].forEach(
      function (key) { setCount(key, a[key]); });
    var q = room.querySelector("[data-quorum]");
    if (q) {
      q.textContent = a.quorum ? "已过半数，可以表决" : "未过半数，不能表决";
      q.className = "badge " + (a.quorum ? "badge-ok" : "badge-warning");
    }
  }

  function appendMessage(m) {
    var list = document.getElementById("messages");
    if (!list || document.getElementById("m" + m.number)) { return; }
    var empty = document.getElementById("no-messages");
    if (empty) { empty.remove(); }
    var li = document.createElement("li");
    li.className = "message";
    li.id = "m" + m.number;
    li.setAttribute("data-number", m.number);
    var meta = document.createElement("p");
    meta.className = "meta";
    var who = document.createElement("strong");
    who.textContent = m.author_name;
    var num = document.createElement("span");
    num.className = "muted small";
    num.textContent = " #" + m.number;
    meta.appendChild(who);
    meta.appendChild(num);
    var body = document.createElement("div");
    body.className = "prose";
    body.innerHTML = m.html; // sanitized once on the server by markup.render, never raw Markdown
    li.appendChild(meta);
    li.appendChild(body);
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
  }

  function onEvent(frame) {
    var data = frame.data || {};
    switch (frame.event) {
      case "message.posted": appendMessage(data); break;
      case "message.removed":
        var node = document.getElementById("m" + data.number);
        if (node && !isHost) { node.remove(); } else if (node) { reloadSoon("有发言被移除。"); }
        break;
      case "member.checked_in": updateAttendance(data.attendance); break;
      case "vote.counted_in_person":
        if (isHost) { reloadSoon("现场计数已保存。"); break; }
        var counted = room.querySelector('[data-vote-id="' + data.vote_id + '"] [data-ballots]');
        if (counted) { counted.textContent = String(data.ballots_cast); }
        break;
      case "ballot.cast":
        var count = room.querySelector('[data-vote-id="' + data.vote_id + '"] [data-ballots]');
        if (count) { count.textContent = String(data.ballots_cast); }
        break;
      default:
        if (STRUCTURAL.indexOf(frame.event) >= 0) { reloadSoon(); }
    }
  }

  // QR check-in on the host screen: fetch the next signed code as the current one rotates
  // (without JS the host reloads the page for a fresh code).
  var qrBox = room.querySelector("[data-qr-url]");
  if (qrBox) {
    var rotate = parseInt(qrBox.getAttribute("data-rotate") || "60", 10) * 1000;
    var refreshQr = function () {
      fetch(qrBox.getAttribute("data-qr-url"), { credentials: "same-origin",
        headers: { Accept: "application/json" } }).then(function (r) {
        return r.ok ? r.json() : null;
      }).then(function (qr) {
        if (!qr) { return; }
        qrBox.innerHTML = qr.svg_html; // segno's SVG of our own URL, built on the server
        var link = room.querySelector("[data-qr-link]");
        if (link) { link.setAttribute("href", qr.url); }
      }, function () { /* retried at the next rotation */ });
    };
    window.setInterval(refreshQr, rotate);
  }

  // The speaker's time: "已发言 m:ss", counted from when the host gave the floor.
  var since = room.querySelector("[data-since]");
  if (since && since.getAttribute("data-since")) {
    var from = Date.parse(since.getAttribute("data-since"));
    var tick = function () {
      var seconds = Math.max(0, Math.floor((Date.now() - from) / 1000));
      var rest = seconds % 60;
      since.textContent = "已发言 " + Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
    };
    tick();
    window.setInterval(tick, 1000);
  }

  document.addEventListener("realtime:state", function (event) {
    var open = event.detail === "open";
    if (indicator) { indicator.hidden = !open; }
    if (open) { room.setAttribute("data-live", "1"); } else { room.removeAttribute("data-live"); }
  });

  rt.subscribe(channel, {
    lastId: parseInt(room.getAttribute("data-last-id") || "0", 10),
    onEvent: onEvent,
    onReload: function () { reloadSoon("与会场的连接中断过，请刷新。"); },
    onRefused: function () { window.location.reload(); },
  });

  // Presence: a heartbeat every 20 s keeps this user "here"; the answer says who else is.
  function showPresence(ack) {
    var count = document.getElementById("online-count");
    if (count) { count.textContent = String(ack.count); }
    var rows = room.querySelectorAll("tr[data-user-id]");
    for (var i = 0; i < rows.length; i++) {
      var badge = rows[i].querySelector("[data-online]");
      var id = parseInt(rows[i].getAttribute("data-user-id"), 10);
      if (badge) { badge.hidden = ack.present.indexOf(id) < 0; }
    }
  }
  function heartbeat() {
    if (status !== "live" || !room.getAttribute("data-live")) { return; }
    rt.action(channel, "here", {}).then(showPresence, function () { /* retried next beat */ });
  }
  document.addEventListener("realtime:state", function (event) {
    if (event.detail === "open") { window.setTimeout(heartbeat, 200); }
  });
  window.setInterval(heartbeat, 20000);

  // A sanction (silence) or its lift reaches the open socket as `viewer.changed` with the
  // fresh facts: the speaking controls lock at once; a lift re-renders the room.
  function lockSpeaking(locked) {
    var controls = room.querySelectorAll(
      "#message-form textarea, #message-form button, form[action$='/raise_hand'] button");
    for (var i = 0; i < controls.length; i++) { controls[i].disabled = locked; }
  }
  document.addEventListener("realtime:notice", function (e) {
    if (!e.detail || e.detail.event !== "viewer.changed") { return; }
    var data = e.detail.data || {};
    if (data.can_post === false) {
      lockSpeaking(true);
      if (notice) {
        notice.querySelector("span").textContent = "您的账号已被禁言，暂时不能发言。";
        notice.hidden = false;
      }
    } else {
      lockSpeaking(false);
      var restored = data.reason === "sanction.lifted" || data.reason === "sanction.expired";
      reloadSoon(restored ? "您的发言权限已恢复。" : "您的账号状态已更新。");
    }
  });

  // With JS, discussion messages go over the socket (no page reload); on any refusal the
  // form is posted normally, so the server's message is shown.
  var form = document.getElementById("message-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      var body = document.getElementById("message-body");
      if (!room.getAttribute("data-live")) { return; }
      event.preventDefault();
      rt.action(channel, "message", { body: body.value }).then(function () {
        body.value = "";
        if (pendingReload) { window.location.reload(); }
      }, function () { form.submit(); });
    });
  }
})();
