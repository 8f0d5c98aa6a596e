// Attachment picker (progressive enhancement). Without this script the chosen files are sent
// with the compose form and the server appends their links. With it, each file is uploaded at
// once through POST /api/v1/boards/{id}/attachments and its Markdown link is inserted at the
// cursor, so the writer can place images inside the text; the input is then cleared so the
// form does not send the files a second time.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart || 0;
    var end = textarea.selectionEnd || 0;
    var value = textarea.value;
    var before = value.slice(0, start);
    var prefix = before && !/\n$/.test(before) ? "\n" : "";
    var insert = prefix + text + "\n";
    textarea.value = before + insert + value.slice(end);
    var caret = start + insert.length;
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // One upload through the JSON API; resolves with its metadata (`markdown`, `filename`) or
  // rejects with the server's Chinese message. Shared with the composer's paste and drop
  // (static/js/composer.js) through window.grassroots.uploadAttachment.
  function uploadFile(boardId, file, maxBytes) {
    if (maxBytes && file.size > maxBytes) {
      return Promise.reject(new Error("文件过大，每个附件不能超过 " + Math.round(maxBytes / 1048576) + " MB"));
    }
    var body = new FormData();
    body.append("file", file, file.name || "image.png");
    return fetch("/api/v1/boards/" + boardId + "/attachments", {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": token, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || "上传失败（" + response.status + "）");
        return data;
      });
    });
  }

  window.grassroots = window.grassroots || {};
  window.grassroots.uploadAttachment = uploadFile;

  function setup(field) {
    var form = field.closest("form");
    var input = field.querySelector('input[type="file"]');
    var status = field.querySelector(".attach-status");
    var textarea = form ? form.querySelector("textarea") : null;
    if (!form || !input || !textarea || !window.fetch || !window.FormData) return;
    var boardId = field.getAttribute("data-attach-board");
    var maxBytes = parseInt(field.getAttribute("data-attach-max") || "0", 10);
    var pending = 0;
    var submit = form.querySelector('button[type="submit"]');

    function say(text, error) {
      status.hidden = !text;
      status.textContent = text;
      status.classList.toggle("is-error", !!error);
    }

    function busy(delta) {
      pending += delta;
      if (submit) submit.disabled = pending > 0;
    }

    function upload(file) {
      busy(1);
      say("正在上传 " + file.name + " …", false);
      return uploadFile(boardId, file, maxBytes).then(function (data) {
        insertAtCursor(textarea, data.markdown);
        say("已上传 " + data.filename, false);
      }).catch(function (err) {
        say(file.name + "：" + err.message, true);
      }).then(function () { busy(-1); });
    }

    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      var chain = Promise.resolve();
      files.forEach(function (file) { chain = chain.then(function () { return upload(file); }); });
      chain.then(function () { input.value = ""; });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-attach-board]"), setup);
})();
