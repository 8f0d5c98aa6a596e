/*
 * The bell: every `[data-notification-bell]` (and `[data-notification-count]` badge, such as
 * the one on the phone tab bar's 我的 tab) shows the viewer's unread count. A
 * `notification.created` notice over the page's realtime socket (realtime.js) carries the
 * new count, so the bell updates without a reload.
 */
(function () {
  "use strict";

  var rt = window.GrassrootsRealtime;
  if (!rt) {
    return;
  }

  function show(count) {
    document.querySelectorAll("[data-notification-bell]").forEach(function (bell) {
      bell.classList.toggle("has-unread", count > 0);
      bell.setAttribute("aria-label", count > 0 ? "通知，" + count + " 条未读" : "通知");
      bell.setAttribute("data-unread", String(count));
    });
    // The counts: the bell's badge and the phone tab bar's 我的 tab.
    document.querySelectorAll("[data-notification-count]").forEach(function (badge) {
      badge.textContent = count > 99 ? "99+" : String(count);
      badge.hidden = count <= 0;
    });
  }

  document.addEventListener("realtime:notice", function (e) {
    var detail = e.detail || {};
    if (detail.event !== "notification.created") {
      return;
    }
    var data = detail.data || {};
    if (typeof data.unread === "number") {
      show(data.unread);
    } else {
      var bell = document.querySelector("[data-notification-bell]");
      show((bell ? parseInt(bell.getAttribute("data-unread") || "0", 10) : 0) + 1);
    }
  });

  // The socket's state on each bell (data-live="open" | "closed" | "ended").
  document.addEventListener("realtime:state", function (e) {
    document.querySelectorAll("[data-notification-bell]").forEach(function (bell) {
      bell.setAttribute("data-live", String(e.detail));
    });
  });

  rt.listen();
})();
