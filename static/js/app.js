// Every action answers (forum/answers.py), the part that needs a browser:
// - forms (or submit buttons) marked data-confirm ask in a dialog and then post with
//   confirmed=1, through the button pressed (its name, value and formaction); without JS
//   the server shows its confirm page instead;
// - window.grassroots.announce(text, level) shows and announces a message in the
//   layout's aria-live regions, for steps taken without a page load (websocket actions);
// - the header's 待办 link gets its count from /api/v1/todo/count once the page has loaded
//   (no page pays for the count; without JS the link is there without it), and again when a
//   live notification arrives over the page's socket (realtime.js's realtime:notice).
(function () {
  "use strict";

  function confirmDialog(message, label) {
    return new Promise(function (resolve) {
      var dialog = document.createElement("dialog");
      dialog.className = "confirm-dialog";
      dialog.setAttribute("aria-labelledby", "confirm-dialog-text");
      var text = document.createElement("p");
      text.id = "confirm-dialog-text";
      text.textContent = message;
      var actions = document.createElement("div");
      actions.className = "confirm-actions";
      var cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "button button-quiet";
      cancel.textContent = "取消";
      var ok = document.createElement("button");
      ok.type = "button";
      ok.className = "button button-danger";
      ok.textContent = label || "确认";
      actions.append(cancel, ok);
      dialog.append(text, actions);
      document.body.append(dialog);
      function close(answer) {
        dialog.close();
        dialog.remove();
        resolve(answer);
      }
      cancel.addEventListener("click", function () { close(false); });
      ok.addEventListener("click", function () { close(true); });
      dialog.addEventListener("cancel", function (event) { event.preventDefault(); close(false); });
      dialog.showModal();
      cancel.focus();
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var submitter = event.submitter || null;
    var asking = submitter && submitter.dataset.confirm ? submitter : form;
    if (!asking.dataset.confirm) return;
    if (form.querySelector('input[name="confirmed"][value="1"]')) return;
    event.preventDefault();
    event.stopPropagation(); // nothing else (a room form's socket send) acts before the answer
    confirmDialog(asking.dataset.confirm, asking.dataset.confirmLabel).then(function (yes) {
      if (!yes) return;
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "confirmed";
      field.value = "1";
      form.append(field);
      if (submitter && form.requestSubmit) {
        form.requestSubmit(submitter);  // keeps the button's value and formaction
        return;
      }
      if (submitter && submitter.name) {
        var pressed = document.createElement("input");
        pressed.type = "hidden";
        pressed.name = submitter.name;
        pressed.value = submitter.value;
        form.append(pressed);
      }
      form.submit();
    });
  }, true);

  function announce(text, level) {
    var polite = level !== "error";
    var region = document.querySelector(
      '[data-flash-region="' + (polite ? "polite" : "assertive") + '"]'
    );
    if (!region) return;
    var item = document.createElement("p");
    item.className = "flash flash-" + (level || "success");
    item.textContent = text;
    region.append(item);
    while (region.children.length > 3) region.firstElementChild.remove();
  }

  function refreshTodoCount() {
    var badges = document.querySelectorAll("[data-todo-count]");
    if (!badges.length || !window.fetch) return;
    fetch("/api/v1/todo/count", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        badges.forEach(function (badge) {
          badge.textContent = data.total > 99 ? "99+" : String(data.total);
          badge.hidden = !data.total;
          var link = badge.closest("a");
          if (link) link.setAttribute("aria-label", data.total ? "待办，" + data.total + " 项" : "待办");
        });
      })
      .catch(function () { /* the link still works without its count */ });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refreshTodoCount);
  } else {
    refreshTodoCount();
  }
  document.addEventListener("realtime:notice", function (e) {
    if ((e.detail || {}).event === "notification.created") refreshTodoCount();
  });

  window.grassroots = window.grassroots || {};
  window.grassroots.announce = announce;
  window.grassroots.refreshTodoCount = refreshTodoCount;
})();
