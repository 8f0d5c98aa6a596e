// Live updates for the meeting room. The page works without this file: every control is a
// POST form. Here we subscribe to `meeting:{id}` over /ws, append discussion messages and
// update the counts as events arrive, and resume from the last id after a reconnect.
(function () {
  "use strict";
  var room = document.getElementById("room");
  if (!room || !window.WebSocket) { return; }
  var channel = room.getAttribute("data-channel");
  var lastId = parseInt(room.getAttribute("data-last-id") || "0", 10);
  var status = room.getAttribute("data-status");
  if (status === "ended" || status === "archived") { return; }
  var indicator = document.getElementById("live-indicator");
  var notice = document.getElementById("room-notice");
  var retry = 500;
  var socket = null;
  var pendingReload = false;

  // Events that change the structure of the page: re-render from the server unless the
  // member is typing (then say so and let them refresh).
  var STRUCTURAL = ["meeting.started", "meeting.ended", "meeting.paused", "discussion.locked",
    "agenda.advanced", "hand.raised", "floor.given", "vote.opened", "vote.closed",
    "participant.muted", "participant.removed", "participant.restored", "leave.requested",
    "written_opinion.entered"];

  function typing() {
    var body = document.getElementById("message-body");
    var active = document.activeElement;
    return (body && body.value.trim() !== "") ||
      (active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA" || active.tagName === "SELECT"));
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
    ["expected", "present", "on_leave", "absent", "expected_voters", "present_voters"].forEach(function (k) {
      setCount(k, a[k]);
    });
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
    body.innerHTML = m.html; // sanitized once on the server (markup.render), never raw Markdown
    li.appendChild(meta);
    li.appendChild(body);
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
  }

  function onEvent(frame) {
    if (typeof frame.id === "number") {
      if (frame.id <= lastId) { return; }
      lastId = frame.id;
    }
    var data = frame.data || {};
    switch (frame.event) {
      case "message.posted": appendMessage(data); break;
      case "message.removed":
        var node = document.getElementById("m" + data.number);
        if (node && room.getAttribute("data-host") !== "1") { node.remove(); }
        else if (node) { reloadSoon("有发言被移除。"); }
        break;
      case "member.checked_in": updateAttendance(data.attendance); break;
      case "ballot.cast":
        var vote = room.querySelector('[data-vote-id="' + data.vote_id + '"] [data-ballots]');
        if (vote) { vote.textContent = String(data.ballots_cast); }
        break;
      default:
        if (STRUCTURAL.indexOf(frame.event) >= 0) { reloadSoon(); }
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws");
    socket.onopen = function () {
      retry = 500;
      socket.send(JSON.stringify({ type: "subscribe", channel: channel, last_id: lastId }));
    };
    socket.onmessage = function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      if (frame.type === "event" && frame.channel === channel) { onEvent(frame); }
      else if (frame.type === "subscribed") {
        if (indicator) { indicator.hidden = false; }
        room.setAttribute("data-live", "1");
      } else if (frame.type === "reload") { reloadSoon("与会场的连接中断过，请刷新。"); }
      else if (frame.type === "unsubscribed" && frame.reason === "forbidden") { window.location.reload(); }
    };
    socket.onclose = function (event) {
      if (indicator) { indicator.hidden = true; }
      room.removeAttribute("data-live");
      if (event.code === 4401 || event.code === 4403) { return; }
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10000);
    };
  }

  // With JS, discussion messages go over the socket (no page reload); errors fall back to
  // the form post, which shows the server's message.
  var form = document.getElementById("message-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      var body = document.getElementById("message-body");
      if (!socket || socket.readyState !== 1 || !room.getAttribute("data-live")) { return; }
      event.preventDefault();
      var ref = "m" + Date.now();
      var text = body.value;
      var onReply = function (message) {
        var frame;
        try { frame = JSON.parse(message.data); } catch (e) { return; }
        if (frame.ref !== ref) { return; }
        socket.removeEventListener("message", onReply);
        if (frame.type === "ack") {
          body.value = "";
          if (pendingReload) { window.location.reload(); }
        } else { form.submit(); }
      };
      socket.addEventListener("message", onReply);
      socket.send(JSON.stringify({ type: "action", channel: channel, action: "message", data: { body: text }, ref: ref }));
    });
  }
  connect();
})();
