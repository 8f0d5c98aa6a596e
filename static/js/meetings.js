// Live updates for the meeting room, on the shared client `static/js/realtime.js`.
// The page works without this file: every control is a POST form. Here we subscribe to
// `meeting:{id}` from the id the page was rendered with, append discussion messages, and for
// every other event re-render on the server only the regions it changes
// (`GET /meetings/{id}/regions?names=...`, the same partial templates as the page) and morph
// them into the page: nodes are kept, so focus, scroll, open <details> and anything typed or
// chosen but not yet sent stay as they were. Nothing reloads the page.
(function () {
  "use strict";
  var room = document.getElementById("room");
  var rt = window.GrassrootsRealtime;
  if (!room || !rt) { return; }
  var channel = room.getAttribute("data-channel");
  var meetingId = room.getAttribute("data-meeting-id");
  var myUserId = parseInt(room.getAttribute("data-user-id") || "0", 10);
  var notice = document.getElementById("room-notice");
  var indicator = document.getElementById("live-indicator");
  var banner = document.getElementById("room-connection");
  var liveRegion = document.getElementById("room-live");
  var ALL = ["status", "host", "agenda", "attendance", "queue", "discussion", "votes", "roll"];

  function status() { return room.getAttribute("data-status"); }
  function isHost() { return room.getAttribute("data-host") === "1"; }
  if (status() === "ended" || status() === "archived" || status() === "draft") { return; }

  // ---- announcements (screen readers) ------------------------------------------------------
  // `#room-live` is an aria-live="polite" region: each announcement is appended as its own
  // line (the last few are kept), so one does not overwrite the one before it.
  function announce(text) {
    if (!liveRegion || !text) { return; }
    var line = document.createElement("p");
    line.textContent = text;
    liveRegion.appendChild(line);
    while (liveRegion.childNodes.length > 6) { liveRegion.removeChild(liveRegion.firstChild); }
  }

  function showNotice(text) {
    if (!notice) { return; }
    notice.querySelector("span").textContent = text;
    notice.hidden = false;
  }

  // ---- morph -------------------------------------------------------------------------------
  // A small keyed DOM morph: elements are matched by id (or data-vote-id, data-member-id,
  // data-item-id, data-request-id, data-number) or else by tag in order, and updated in place.
  function keyOf(node) {
    if (node.nodeType !== 1) { return null; }
    var attrs = ["id", "data-vote-id", "data-member-id", "data-item-id", "data-request-id",
      "data-number"];
    for (var i = 0; i < attrs.length; i++) {
      var v = node.getAttribute(attrs[i]);
      if (v) { return attrs[i] + "=" + v; }
    }
    return null;
  }

  function isField(node) {
    return node.nodeType === 1 &&
      (node.tagName === "INPUT" || node.tagName === "TEXTAREA" || node.tagName === "SELECT");
  }

  // A field holding something the user typed or chose and has not sent yet (or the one they
  // are in): its value and state are never overwritten by a re-render.
  function dirty(node) {
    return node === document.activeElement || changed(node);
  }

  function changed(node) {
    if (node.tagName === "SELECT") {
      for (var i = 0; i < node.options.length; i++) {
        if (node.options[i].selected !== node.options[i].defaultSelected) { return true; }
      }
      return false;
    }
    if (node.type === "checkbox" || node.type === "radio") {
      return node.checked !== node.defaultChecked;
    }
    if (node.type === "hidden") { return false; }
    return node.value !== node.defaultValue;
  }

  // Text typed and not sent (a choice of radio, checkbox or select is not worth keeping a
  // form the server no longer offers, such as the ballot of a closed vote).
  function typed(node) {
    var text = node.tagName === "TEXTAREA" || (node.tagName === "INPUT" &&
      ["hidden", "checkbox", "radio", "number", "file", "submit", "button"].indexOf(node.type) < 0);
    return text && node.value !== node.defaultValue && node.value.trim() !== "";
  }

  function holdsUnsent(node) {
    if (node.nodeType !== 1) { return false; }
    if (isField(node)) { return typed(node); }
    var fields = node.querySelectorAll("input, textarea");
    for (var i = 0; i < fields.length; i++) {
      if (typed(fields[i])) { return true; }
    }
    return false;
  }

  function syncAttributes(from, to) {
    var keep = isField(from) && dirty(from);
    var i;
    for (i = from.attributes.length - 1; i >= 0; i--) {
      var name = from.attributes[i].name;
      if (to.hasAttribute(name)) { continue; }
      if (name === "open" && from.tagName === "DETAILS") { continue; } // the user opened it
      if (name === "tabindex" && from === document.activeElement) { continue; } // see apply()
      if (keep && (name === "value" || name === "checked")) { continue; }
      from.removeAttribute(name);
    }
    for (i = 0; i < to.attributes.length; i++) {
      var attr = to.attributes[i];
      if (attr.name === "open" && from.tagName === "DETAILS") { continue; }
      if (from.getAttribute(attr.name) !== attr.value) { from.setAttribute(attr.name, attr.value); }
    }
    if (isField(from) && !keep && from.tagName === "INPUT") {
      if (from.type === "checkbox" || from.type === "radio") {
        from.checked = to.hasAttribute("checked");
      } else if (from.type !== "file") {
        from.value = to.getAttribute("value") || "";
      }
    }
  }

  function morph(from, to) {
    if (from.nodeType !== 1) {
      if (from.nodeValue !== to.nodeValue) { from.nodeValue = to.nodeValue; }
      return;
    }
    syncAttributes(from, to);
    if (from.tagName === "TEXTAREA") {
      if (!dirty(from)) { from.value = to.value; from.defaultValue = to.value; }
      return;
    }
    if (from.tagName === "SELECT" && dirty(from)) { return; } // keep the user's choice
    morphChildren(from, to);
    if (from.tagName === "SELECT") {
      for (var i = 0; i < from.options.length; i++) {
        from.options[i].selected = from.options[i].defaultSelected;
      }
    }
  }

  function sameKind(a, b) {
    return a.nodeType === b.nodeType && (a.nodeType !== 1 || a.tagName === b.tagName);
  }

  function morphChildren(from, to) {
    var keyed = {};
    var child;
    for (child = from.firstChild; child; child = child.nextSibling) {
      var k = keyOf(child);
      if (k) { keyed[k] = child; }
    }
    var cursor = from.firstChild;
    var wanted = Array.prototype.slice.call(to.childNodes);
    for (var i = 0; i < wanted.length; i++) {
      var next = wanted[i];
      var key = keyOf(next);
      var match = null;
      if (key && keyed[key] && sameKind(keyed[key], next)) {
        match = keyed[key];
        delete keyed[key];
      } else if (!key && cursor && !keyOf(cursor) && sameKind(cursor, next)) {
        match = cursor;
      }
      if (match) {
        if (match !== cursor) { from.insertBefore(match, cursor); } else { cursor = cursor.nextSibling; }
        morph(match, next);
      } else {
        from.insertBefore(document.importNode(next, true), cursor);
      }
    }
    // What is left was not in the new render. A node still holding unsent text (a composer
    // that the server no longer offers, say) stays, so nothing typed is lost.
    while (cursor) {
      var after = cursor.nextSibling;
      if (!holdsUnsent(cursor)) { from.removeChild(cursor); }
      cursor = after;
    }
  }

  // ---- region refresh ----------------------------------------------------------------------
  // Events mark regions stale; one request at a time fetches every stale region, so a burst
  // of ballots is one or two requests, and each answer is at least as new as its events.
  var stale = {};
  var inFlight = false;
  var timer = null;

  // Hosts at once; members after a short random pause, so a room full of phones does not ask
  // in the same instant and a burst of events folds into one request.
  function delay() { return isHost() ? 60 : 60 + Math.floor(Math.random() * 400); }

  function refresh(names) {
    for (var i = 0; i < names.length; i++) { stale[names[i]] = true; }
    if (!timer && !inFlight) { timer = window.setTimeout(fetchStale, delay()); }
  }

  function fetchStale() {
    timer = null;
    var names = Object.keys(stale);
    if (!names.length) { return; }
    stale = {};
    inFlight = true;
    fetch("/meetings/" + meetingId + "/regions?names=" + encodeURIComponent(names.join(",")), {
      credentials: "same-origin", headers: { Accept: "application/json" },
    }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    }).then(function (body) {
      apply(body);
    }).catch(function () {
      names.forEach(function (n) { stale[n] = true; }); // retried with the next event
      showNotice("会场内容未能更新。");
    }).then(function () {
      inFlight = false;
      if (Object.keys(stale).length && !timer) { timer = window.setTimeout(fetchStale, delay()); }
    });
  }

  function apply(body) {
    var template = document.createElement("template");
    Object.keys(body.regions).forEach(function (name) {
      var current = document.getElementById("region-" + name);
      template.innerHTML = body.regions[name];
      var fresh = template.content.getElementById("region-" + name);
      if (!current || !fresh) { return; }
      var active = document.activeElement;
      var inside = active && active !== document.body && current.contains(active);
      morph(current, fresh);
      // The control a keyboard user was on is gone (the 举手 button once the hand is up, a
      // vote's 开始表决 once it is open): keep them in the region, on its heading.
      if (inside && !document.body.contains(active)) {
        var heading = current.querySelector("h2");
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
      }
    });
    if (body.status) { room.setAttribute("data-status", body.status); }
    if (body.present_user_ids) { showPresence({ present: body.present_user_ids,
      count: body.present_user_ids.length }); }
    wireForms();
  }

  // ---- events ------------------------------------------------------------------------------
  var REGIONS_OF = {
    "meeting.started": ALL,
    "meeting.ended": ALL,
    "meeting.paused": ["status", "host", "queue", "discussion"],
    "discussion.locked": ["status", "host", "queue", "discussion"],
    "agenda.advanced": ["agenda"],
    "hand.raised": ["queue"],
    "floor.given": ["queue"],
    "vote.created": ["votes"],
    "vote.opened": ["votes"],
    "vote.closed": ["votes"],
    "written_opinion.entered": ["votes"],
    "vote.counted_in_person": ["votes"],
    "member.checked_in": ["attendance", "roll"],
    "participant.muted": ["roll", "queue", "discussion"],
    "participant.removed": ["roll", "queue", "discussion", "votes"],
    "participant.restored": ["roll", "queue", "discussion", "votes"],
    "leave.requested": ["attendance", "roll"],
    "roll.changed": ["attendance", "roll", "votes"],
    "recorder.named": ["host", "attendance", "roll"],
    "message.removed": ["discussion"],
  };

  function setCount(name, value) {
    var nodes = room.querySelectorAll('[data-count="' + name + '"]');
    for (var i = 0; i < nodes.length; i++) { nodes[i].textContent = String(value); }
  }

  function voteTitle(voteId) {
    var h = room.querySelector('[data-vote-id="' + voteId + '"] h3');
    return h ? h.textContent : "";
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
    // Follow the discussion only if the reader was already at its end.
    var atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
    list.appendChild(li);
    if (atEnd) { list.scrollTop = list.scrollHeight; }
    if (m.author_id !== myUserId) {
      var text = body.textContent.trim();
      announce("新发言，" + m.author_name + "：" + (text.length > 80 ? text.slice(0, 80) + "…" : text));
    }
    if (isHost()) { refresh(["discussion"]); } // the host's remove form on the new message
  }

  function onEvent(frame) {
    var data = frame.data || {};
    var name = frame.event;
    switch (name) {
      case "message.posted": appendMessage(data); return;
      case "member.checked_in":
        ["expected", "present", "on_leave", "absent", "expected_voters", "present_voters"]
          .forEach(function (key) { if (data.attendance) { setCount(key, data.attendance[key]); } });
        if (data.user_id === myUserId) { refresh(["queue", "discussion", "votes"]); } // may speak now
        break;
      case "ballot.cast":
        var count = room.querySelector('[data-vote-id="' + data.vote_id + '"] [data-ballots]');
        if (count) { count.textContent = String(data.ballots_cast); }
        if (data.tallies || isHost()) { refresh(["votes"]); } // an open ballot's running tally
        return;
      case "vote.opened": announce("表决开始：" + (data.title || "")); break;
      case "vote.closed":
        var result = data.result || {};
        var outcome = result.passed === true ? "，通过" : result.passed === false ? "，未通过" : "";
        announce("表决结束：" + voteTitle(data.vote_id) + outcome);
        break;
      case "vote.created": announce("新建表决事项：" + (data.title || "")); break;
      case "hand.raised": if (isHost()) { announce((data.name || "") + " 举手发言"); } break;
      case "floor.given":
        announce(data.user_id === myUserId ? "轮到您发言" : "请 " + (data.name || "") + " 发言");
        break;
      case "agenda.advanced": announce("进入下一项议程：" + (data.title || "")); break;
      case "meeting.paused": announce(data.paused ? "会议已暂停" : "会议继续"); break;
      case "discussion.locked": announce(data.locked ? "讨论已锁定" : "讨论已开放"); break;
      case "meeting.started": announce("会议已开始"); break;
      case "meeting.ended": announce("会议已结束"); break;
      default: break;
    }
    if (REGIONS_OF[name]) { refresh(REGIONS_OF[name]); }
  }

  // ---- connection state --------------------------------------------------------------------
  var wasDown = false;
  var restoredTimer = null;
  function showBanner(text, kind) {
    if (!banner) { return; }
    window.clearTimeout(restoredTimer);
    banner.querySelector("span").textContent = text;
    banner.className = "alert connection-banner " + kind;
    banner.hidden = false;
  }
  document.addEventListener("realtime:state", function (event) { applyState(event.detail); });
  function applyState(state) {
    var open = state === "open";
    if (indicator) { indicator.hidden = !open; }
    if (open) { room.setAttribute("data-live", "1"); } else { room.removeAttribute("data-live"); }
    if (state === "closed") {
      if (!wasDown) { announce("连接已断开，正在重连…"); }
      wasDown = true;
      showBanner("连接已断开，正在重连…", "alert-warning");
    } else if (state === "ended") {
      showBanner("与会场的连接已结束，请刷新页面。", "alert-error");
    } else if (open && wasDown) {
      wasDown = false;
      showBanner("已恢复", "alert-success");
      announce("连接已恢复");
      // Missed events are replayed from the last id; the presence marks are only current.
      restoredTimer = window.setTimeout(function () { banner.hidden = true; }, 4000);
    }
  }
  // The page's socket may have opened before this script ran (the bell opens it early, and a
  // slow network delays this file): start from the current state, not only from changes.
  if (rt.state() === "open") { applyState("open"); window.setTimeout(heartbeat, 200); }

  rt.subscribe(channel, {
    lastId: parseInt(room.getAttribute("data-last-id") || "0", 10),
    onEvent: onEvent,
    // Too far behind to replay: re-render every region from the server instead.
    onReload: function () { refresh(ALL); },
    onRefused: function () { window.location.reload(); },
  });

  // ---- presence ----------------------------------------------------------------------------
  // A heartbeat every 20 s keeps this user "here"; the answer says who else is.
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
    if (status() !== "live" || !room.getAttribute("data-live")) { return; }
    rt.action(channel, "here", {}).then(showPresence, function () { /* retried next beat */ });
  }
  document.addEventListener("realtime:state", function (event) {
    if (event.detail === "open") { window.setTimeout(heartbeat, 200); }
  });
  window.setInterval(heartbeat, 20000);

  // ---- timers ------------------------------------------------------------------------------
  // QR check-in on the host screen: fetch the next signed code as the current one rotates
  // (without JS the host reloads the page for a fresh code).
  window.setInterval(function () {
    var qrBox = room.querySelector("[data-qr-url]");
    if (!qrBox) { return; }
    fetch(qrBox.getAttribute("data-qr-url"), { credentials: "same-origin",
      headers: { Accept: "application/json" } }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (qr) {
      if (!qr) { return; }
      qrBox.innerHTML = qr.svg_html; // segno's SVG of our own URL, built on the server
      var link = room.querySelector("[data-qr-link]");
      if (link) { link.setAttribute("href", qr.url); }
    }, function () { /* retried at the next rotation */ });
  }, 60000);

  // The speaker's time: "已发言 m:ss", counted from when the host gave the floor.
  window.setInterval(function () {
    var since = room.querySelector("[data-since]");
    if (!since || !since.getAttribute("data-since")) { return; }
    var seconds = Math.max(0, Math.floor((Date.now() - Date.parse(since.getAttribute("data-since"))) / 1000));
    var rest = seconds % 60;
    since.textContent = "已发言 " + Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }, 1000);

  // ---- sanctions ---------------------------------------------------------------------------
  // A sanction (silence) or its lift reaches the open socket as `viewer.changed` with the
  // fresh facts: the speaking controls lock at once; a lift re-renders the speaking regions.
  function lockSpeaking(locked) {
    var controls = room.querySelectorAll(
      "#message-form textarea, #message-form button, #raise-hand-form button");
    for (var i = 0; i < controls.length; i++) { controls[i].disabled = locked; }
  }
  document.addEventListener("realtime:notice", function (e) {
    if (!e.detail || e.detail.event !== "viewer.changed") { return; }
    var data = e.detail.data || {};
    if (data.can_post === false) {
      lockSpeaking(true);
      showNotice("您的账号已被禁言，暂时不能发言。");
      announce("您的账号已被禁言，暂时不能发言。");
    } else {
      var restored = data.reason === "sanction.lifted" || data.reason === "sanction.expired";
      if (restored) { announce("您的发言权限已恢复。"); }
      if (notice) { notice.hidden = true; }
      refresh(["queue", "discussion", "votes"]);
    }
  });

  // ---- forms -------------------------------------------------------------------------------
  // With JS, room forms go over the socket and the page stays (the events that follow update
  // it); on any refusal the form is posted normally, so the server's message is shown.
  // Forms are wired once each, also those a region refresh brings in.
  var VERB_FORMS = ["message", "raise_hand", "cast_ballot", "check_in", "give_floor",
    "open_vote", "close_vote", "next_agenda_item", "pause", "lock"];

  function formData(form) {
    var data = {};
    var fields = new FormData(form);
    fields.forEach(function (value, key) {
      if (key === "csrf_token" || key === "confirmed") { return; } // asked already in the page
      if (key === "selected") { (data.selected = data.selected || []).push(parseInt(value, 10)); return; }
      data[key] = value;
    });
    return data;
  }

  function argsFor(verb, data) { // the form's strings as the verb's JSON types
    var out = {};
    Object.keys(data).forEach(function (key) {
      var v = data[key];
      if (key === "vote_id" || key === "request_id") { out[key] = parseInt(v, 10); }
      else if (key === "paused" || key === "locked") { out[key] = v === "1"; }
      else { out[key] = v; }
    });
    return out;
  }

  function wireForms() {
    var forms = room.querySelectorAll("form[method=post]");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      // A property, not an attribute: a morph syncs attributes to the server's render.
      if (form.__roomWired) { continue; }
      var verb = (form.getAttribute("action") || "").split("/").pop();
      if (VERB_FORMS.indexOf(verb) < 0) { continue; }
      form.__roomWired = true;
      form.addEventListener("submit", onSubmit);
    }
  }

  function onSubmit(event) {
    var form = event.currentTarget;
    if (!room.getAttribute("data-live")) { return; } // no socket: the plain form post
    event.preventDefault();
    if (form.__roomSending) { return; }
    var verb = form.getAttribute("action").split("/").pop();
    form.__roomSending = true;
    form.setAttribute("aria-busy", "true"); // not `disabled`: that would drop the focus
    var old = form.querySelector(".form-error");
    if (old) { old.remove(); }
    var args = argsFor(verb, formData(form));
    var asked = form.querySelector('input[name="confirmed"]');
    if (asked) { asked.remove(); } // the next press of this form asks again
    rt.action(channel, verb, args).then(function () {
      form.__roomSending = false;
      form.removeAttribute("aria-busy");
      if (verb === "message") { form.querySelector("textarea").defaultValue = ""; }
      form.reset(); // sent: nothing in it is the user's unsent input any more
      if (verb === "cast_ballot") { refresh(["votes"]); }
      if (verb === "check_in") { refresh(["attendance", "queue", "discussion", "votes"]); }
      if (verb === "raise_hand") { announce("已举手，请等待主持人安排发言"); }
    }, function (error) {
      form.__roomSending = false;
      form.removeAttribute("aria-busy");
      if (!error || error.code === "disconnected") { form.submit(); return; } // over HTTP then
      // Refused: say why next to the form, keep what was typed.
      var box = form.querySelector(".form-error");
      if (!box) {
        box = document.createElement("p");
        box.className = "form-error";
        box.setAttribute("role", "alert");
        form.appendChild(box);
      }
      box.textContent = error.message || "操作未成功";
    });
  }
  wireForms();
})();
