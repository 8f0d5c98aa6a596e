/*
 * Grassroots realtime client: one websocket per page to /ws, shared by every live widget.
 *
 *   const rt = window.GrassrootsRealtime;
 *   rt.subscribe("topic:12", {
 *     lastId: 34,                        // the id the page was rendered with (data-last-id)
 *     onEvent(frame) { ... },            // {channel, id, event, data}: in order, exactly once
 *     onReload(frame) { location.reload(); },  // too far behind: reload state over HTTP
 *     onRefused(frame) { ... },          // error or unsubscribed (no longer allowed)
 *   });
 *   rt.action("meeting:5", "check_in", {...}).then(ackData => ..., errorFrame => ...);
 *   document.addEventListener("realtime:notice", e => e.detail);  // {event, data}
 *   rt.listen();  // stay connected with no channel (the bell hears its notices)
 *   document.addEventListener("realtime:state", e => e.detail);   // "open" | "closed" | "ended"
 *   rt.state();  // the current one, for a widget that starts after the socket opened
 *
 * It reconnects with exponential backoff (0.5 s doubling up to 30 s, with jitter) and
 * resubscribes every channel from the last id it delivered, so nothing is missed or repeated.
 * A close with 4401 (logged out) or 4403 (refused) ends it for good ("ended").
 */
(function () {
  "use strict";

  if (window.GrassrootsRealtime) {
    return; // loaded twice (the base page and a live page): one socket per page
  }

  var PING_EVERY = 25000;
  var PONG_WITHIN = 10000;
  var subs = new Map();
  var pending = new Map();
  var socket = null;
  var attempt = 0;
  var ended = false;
  var refs = 0;
  var pingTimer = null;
  var pongTimer = null;
  var retryTimer = null;
  var keepOpen = false;

  var state = "idle";  // the last "realtime:state": "idle" | "open" | "closed" | "ended"

  function emit(name, detail) {
    if (name === "realtime:state") state = detail;
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function subscribeFrame(channel, sub) {
    var frame = { type: "subscribe", channel: channel };
    if (channel.length <= 60) {
      frame.ref = "s:" + channel; // an error frame for this ref refuses the subscription
    }
    if (typeof sub.lastId === "number") {
      frame.last_id = sub.lastId;
    }
    return frame;
  }

  function connect() {
    retryTimer = null;
    if (ended || socket) {
      return;
    }
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws");
    socket.addEventListener("open", function () {
      attempt = 0;
      subs.forEach(function (sub, channel) {
        send(subscribeFrame(channel, sub));
      });
      schedulePing();
      emit("realtime:state", "open");
    });
    socket.addEventListener("message", function (message) {
      var frame;
      try {
        frame = JSON.parse(message.data);
      } catch (err) {
        return;
      }
      handle(frame);
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      clearTimeout(pingTimer);
      clearTimeout(pongTimer);
      pending.forEach(function (callbacks) {
        callbacks.reject({ type: "error", code: "disconnected", message: "连接已断开" });
      });
      pending.clear();
      if (event.code === 4401 || event.code === 4403) {
        ended = true;
        emit("realtime:state", "ended");
        return;
      }
      emit("realtime:state", "closed");
      scheduleReconnect();
    });
  }

  function scheduleReconnect() {
    if (ended || retryTimer || (subs.size === 0 && !keepOpen)) {
      return;
    }
    var delay = Math.min(30000, 500 * Math.pow(2, attempt));
    attempt += 1;
    retryTimer = setTimeout(connect, delay / 2 + Math.random() * (delay / 2));
  }

  function schedulePing() {
    clearTimeout(pingTimer);
    pingTimer = setTimeout(function () {
      if (send({ type: "ping" })) {
        pongTimer = setTimeout(function () {
          if (socket) {
            socket.close();
          }
        }, PONG_WITHIN);
      }
    }, PING_EVERY);
  }

  function handle(frame) {
    var sub = frame.channel ? subs.get(frame.channel) : undefined;
    switch (frame.type) {
      case "event":
        if (sub && (typeof sub.lastId !== "number" || frame.id > sub.lastId)) {
          sub.lastId = frame.id;
          if (sub.onEvent) {
            sub.onEvent(frame);
          }
        }
        break;
      case "subscribed":
        if (sub) {
          sub.lastId = frame.last_id;
        }
        break;
      case "reload":
        if (sub) {
          if (sub.onReload) {
            sub.onReload(frame);
          } else {
            location.reload();
          }
        }
        break;
      case "unsubscribed":
        if (sub && frame.reason !== "client") {
          subs.delete(frame.channel);
          if (sub.onRefused) {
            sub.onRefused(frame);
          }
        }
        break;
      case "ack":
      case "error":
        if (frame.ref && pending.has(frame.ref)) {
          var callbacks = pending.get(frame.ref);
          pending.delete(frame.ref);
          if (frame.type === "ack") {
            callbacks.resolve(frame.data);
          } else {
            callbacks.reject(frame);
          }
        } else if (frame.type === "error" && frame.ref && frame.ref.indexOf("s:") === 0) {
          var channel = frame.ref.slice(2);
          var refused = subs.get(channel);
          subs.delete(channel);
          if (refused && refused.onRefused) {
            refused.onRefused(frame);
          }
        }
        break;
      case "pong":
        clearTimeout(pongTimer);
        schedulePing();
        break;
      case "notice":
        emit("realtime:notice", { event: frame.event, data: frame.data });
        break;
      default:
        break;
    }
  }

  window.GrassrootsRealtime = {
    subscribe: function (channel, options) {
      var sub = Object.assign({}, options || {});
      subs.set(channel, sub);
      if (!send(subscribeFrame(channel, sub))) {
        connect();
      }
    },
    unsubscribe: function (channel) {
      if (subs.delete(channel)) {
        send({ type: "unsubscribe", channel: channel });
      }
    },
    action: function (channel, action, data) {
      return new Promise(function (resolve, reject) {
        refs += 1;
        var ref = "a" + refs;
        pending.set(ref, { resolve: resolve, reject: reject });
        var sent = send({ type: "action", channel: channel, action: action, data: data || {}, ref: ref });
        if (!sent) {
          pending.delete(ref);
          reject({ type: "error", code: "disconnected", message: "连接已断开，请稍后重试" });
        }
      });
    },
    listen: function () {
      keepOpen = true;
      connect();
    },
    state: function () {
      return state;  // a widget that starts late (the bell may have opened the socket)
    },
    lastId: function (channel) {
      var sub = subs.get(channel);
      return sub ? sub.lastId : undefined;
    },
  };

  window.addEventListener("online", function () {
    if (!socket && !ended) {
      attempt = 0;
      clearTimeout(retryTimer);
      connect();
    }
  });
})();
