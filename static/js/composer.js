// The composer of the new-topic and reply forms (progressive enhancement; docs/composer.md).
// Without this script the form still works: 预览 posts it back with the preview, 丢弃草稿
// asks and removes the draft, files go with the form. With it:
// - preview: the same server renderer through POST /api/v1/preview, in a 预览 tab below
//   860 px and side by side (refreshed as one types) above;
// - drafts: saved as one types (debounced) through POST /api/v1/drafts, "草稿已保存" in the
//   composer's polite live region, flushed when the page is left;
// - @mentions: typing @ and a few letters asks GET /api/v1/users/suggest and offers a
//   listbox (arrow keys, Enter or Tab to pick, Escape to close) that inserts "@username ";
// - images pasted or dropped into the text are uploaded (window.grassroots.uploadAttachment,
//   static/js/attachments.js) behind a "上传中…" placeholder replaced by their Markdown.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  var wide = window.matchMedia ? window.matchMedia("(min-width: 860px)") : null;
  var SAVE_DELAY = 1200;
  var PREVIEW_DELAY = 600;
  var SUGGEST_DELAY = 150;
  // The renderer's mention rule (forum/markup.py): "@" not after a letter, digit, "_" or "@".
  var MENTION_BEFORE_CARET = /(^|[^\p{L}\p{N}_@])@([^\s@]{1,32})$/u;

  function postJson(url, payload, keepalive) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || "请求失败（" + response.status + "）");
        return data;
      });
    });
  }

  function setup(root) {
    var form = root.closest("form");
    var textarea = root.querySelector("textarea");
    if (!form || !textarea || !window.fetch) return;
    var title = form.querySelector('input[name="title"]');
    var status = root.querySelector(".composer-status");
    var tabs = root.querySelector(".composer-tabs");
    var editPane = root.querySelector(".composer-edit");
    var previewPane = root.querySelector(".composer-preview");
    var previewBody = root.querySelector(".composer-preview-body");
    var previewButton = form.querySelector("[data-composer-preview]");
    var discard = form.querySelector("[data-composer-discard]");
    var submit = form.querySelector('button[type="submit"]');
    var list = root.querySelector(".mention-list");
    var uploadError = root.querySelector(".composer-upload-error");
    var target = {};
    if (root.dataset.draftTopic) target.topic_id = parseInt(root.dataset.draftTopic, 10);
    if (root.dataset.draftBoard) target.board_id = parseInt(root.dataset.draftBoard, 10);

    // --- preview: tabs on phones, side by side on desktop --------------------------------
    var previewTimer = null;
    var previewSeq = 0;
    var shownText = null;
    var selected = "edit";
    root.classList.add("composer-enhanced");
    if (previewButton) previewButton.hidden = true; // the tab (or the side pane) replaces it
    tabs.hidden = false;
    previewPane.hidden = false;
    editPane.setAttribute("role", "tabpanel");
    editPane.setAttribute("aria-labelledby", "composer-tab-edit");
    previewPane.setAttribute("role", "tabpanel");
    previewPane.setAttribute("aria-labelledby", "composer-tab-preview");

    function refreshPreview() {
      var text = textarea.value;
      if (text === shownText) return;
      var seq = ++previewSeq;
      if (!text.trim()) {
        shownText = text;
        var empty = document.createElement("p");
        empty.className = "muted";
        empty.textContent = previewBody.getAttribute("data-empty");
        previewBody.replaceChildren(empty);
        return;
      }
      postJson("/api/v1/preview", { body: text }).then(function (data) {
        if (seq !== previewSeq) return; // a later preview is on its way
        shownText = text;
        previewBody.innerHTML = data.html; // sanitized on the server by forum.markup.render
      }).catch(function (err) {
        if (seq !== previewSeq) return;
        var note = document.createElement("p");
        note.className = "field-error";
        note.textContent = "预览失败：" + err.message;
        previewBody.replaceChildren(note);
      });
    }

    function select(which, focus) {
      selected = which;
      root.setAttribute("data-tab", which);
      Array.prototype.forEach.call(tabs.querySelectorAll('[role="tab"]'), function (tab) {
        var on = tab.getAttribute("aria-controls") === (which === "edit" ? editPane.id : previewPane.id);
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        if (on && focus) tab.focus();
      });
      if (which === "preview") refreshPreview();
    }

    tabs.addEventListener("click", function (event) {
      var tab = event.target.closest('[role="tab"]');
      if (tab) select(tab.id === "composer-tab-preview" ? "preview" : "edit", false);
    });
    tabs.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft" || event.key === "ArrowRight" || event.key === "Home" || event.key === "End") {
        event.preventDefault();
        var next = event.key === "Home" ? "edit" : event.key === "End" ? "preview" : selected === "edit" ? "preview" : "edit";
        select(next, true);
      }
    });
    select("edit", false);
    if (wide && wide.matches) refreshPreview();

    // --- drafts ---------------------------------------------------------------------------
    var saveTimer = null;
    var saving = null; // the save request in flight, if any
    var dirty = false;
    var sending = false; // the form is being submitted: no more saves

    function say(text) { if (status) status.textContent = text; }

    function draftPayload() {
      var payload = { body: textarea.value };
      if (target.topic_id) payload.topic_id = target.topic_id;
      if (target.board_id) payload.board_id = target.board_id;
      if (title && target.board_id) payload.title = title.value;
      return payload;
    }

    function saveDraft(keepalive) {
      clearTimeout(saveTimer);
      saveTimer = null;
      if (!dirty) return saving || Promise.resolve();
      dirty = false;
      if (!target.topic_id && !target.board_id) return Promise.resolve(); // no drafts here (editing)
      var request = postJson("/api/v1/drafts", draftPayload(), keepalive).then(function (data) {
        if (data.saved) {
          say("草稿已保存");
          if (discard) discard.hidden = false;
        } else {
          say("");
          if (discard) discard.hidden = true;
        }
      }).catch(function (err) {
        dirty = true;
        say("草稿未能保存：" + err.message);
      }).then(function () {
        if (saving === request) saving = null;
      });
      saving = request;
      return request;
    }

    function changed() {
      dirty = true;
      clearTimeout(saveTimer);
      saveTimer = setTimeout(function () { saveDraft(false); }, SAVE_DELAY);
      if (wide && wide.matches) {
        clearTimeout(previewTimer);
        previewTimer = setTimeout(refreshPreview, PREVIEW_DELAY);
      }
    }

    textarea.addEventListener("input", changed);
    if (title) title.addEventListener("input", changed);
    // Typed before this script ran (a slow network): save that too, as if just typed.
    if (textarea.value !== textarea.defaultValue || (title && title.value !== title.defaultValue)) {
      changed();
    }
    if (wide && wide.addEventListener) {
      wide.addEventListener("change", function () { if (wide.matches) refreshPreview(); });
    }
    // Leaving the page (closing the tab, following a link) sends what is not saved yet.
    window.addEventListener("pagehide", function () { if (dirty && !sending) saveDraft(true); });

    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      clearTimeout(saveTimer);
      dirty = false; // the post (or the discard) takes the text from here
      if (saving && !sending) {
        // A save still on its way could land after the post and bring the draft back.
        event.preventDefault();
        var submitter = event.submitter || null;
        saving.then(function () {
          sending = true;
          if (form.requestSubmit) form.requestSubmit(submitter); else form.submit();
        });
        return;
      }
      sending = true;
    });

    // --- @mention suggestions (combobox pattern on the text area) ----------------------------
    var suggestTimer = null;
    var suggestSeq = 0;
    var options = [];
    var active = -1;
    var query = null;
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", list.id);

    function closeList() {
      list.hidden = true;
      list.replaceChildren();
      options = [];
      active = -1;
      query = null;
      textarea.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      options.forEach(function (item, i) {
        item.node.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) {
        textarea.setAttribute("aria-activedescendant", options[index].node.id);
        options[index].node.scrollIntoView({ block: "nearest" });
      } else {
        textarea.removeAttribute("aria-activedescendant");
      }
    }

    function pick(index) {
      var item = options[index];
      if (!item || !query) return;
      var caret = textarea.selectionStart;
      var start = caret - query.length - 1;
      var insert = "@" + item.username + " ";
      textarea.setRangeText(insert, start, caret, "end");
      closeList();
      textarea.focus();
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function show(items, typed) {
      list.replaceChildren();
      options = items.map(function (item, i) {
        var node = document.createElement("li");
        node.id = "mention-option-" + i;
        node.className = "mention-option";
        node.setAttribute("role", "option");
        node.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "mention-name";
        name.textContent = item.display_name;
        var handle = document.createElement("span");
        handle.className = "mention-handle muted small";
        handle.textContent = "@" + item.username + (item.org ? " · " + item.org : "");
        node.append(name, handle);
        node.addEventListener("mousedown", function (event) { event.preventDefault(); });
        node.addEventListener("click", function () { pick(i); });
        list.append(node);
        return { node: node, username: item.username };
      });
      if (!options.length) { closeList(); return; }
      query = typed;
      list.hidden = false;
      highlight(0);
    }

    function typedMention() {
      if (textarea.selectionStart !== textarea.selectionEnd) return null;
      var before = textarea.value.slice(0, textarea.selectionStart);
      var match = MENTION_BEFORE_CARET.exec(before);
      return match ? match[2] : null;
    }

    function suggest() {
      var typed = typedMention();
      if (!typed) { closeList(); return; }
      var seq = ++suggestSeq;
      var url = "/api/v1/users/suggest?q=" + encodeURIComponent(typed) + "&" + root.dataset.suggest;
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (data) {
          if (seq !== suggestSeq || typedMention() !== typed) return;
          show(data.items || [], typed);
        })
        .catch(function () { closeList(); });
    }

    textarea.addEventListener("input", function () {
      clearTimeout(suggestTimer);
      suggestTimer = setTimeout(suggest, SUGGEST_DELAY);
    });
    textarea.addEventListener("keydown", function (event) {
      if (list.hidden || !options.length) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        pick(active < 0 ? 0 : active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeList();
      }
    });
    textarea.addEventListener("blur", closeList);
    textarea.addEventListener("click", closeList);

    // --- images pasted or dropped into the text ----------------------------------------------
    var attach = form.querySelector("[data-attach-board]");
    var uploads = 0;
    var placeholders = 0;

    function uploadSay(text) {
      if (!uploadError) return;
      uploadError.hidden = !text;
      uploadError.textContent = text;
    }

    function uploadInto(file) {
      var upload = window.grassroots && window.grassroots.uploadAttachment;
      if (!attach || !upload) return;
      var mark = "![上传中…" + (++placeholders) + "]()";
      var start = textarea.selectionStart;
      var before = textarea.value.slice(0, start);
      var lead = before && !/\n$/.test(before) ? "\n" : "";
      textarea.setRangeText(lead + mark + "\n", start, textarea.selectionEnd, "end");
      uploads += 1;
      if (submit) submit.disabled = true;
      uploadSay("");
      var boardId = attach.getAttribute("data-attach-board");
      var maxBytes = parseInt(attach.getAttribute("data-attach-max") || "0", 10);
      upload(boardId, file, maxBytes).then(function (data) {
        textarea.value = textarea.value.replace(mark, data.markdown);
      }).catch(function (err) {
        textarea.value = textarea.value.replace(lead + mark + "\n", "").replace(mark, "");
        uploadSay((file.name || "图片") + "：" + err.message);
      }).then(function () {
        uploads -= 1;
        if (submit && uploads === 0) submit.disabled = false;
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
      });
    }

    function filesOf(transfer, imagesOnly) {
      return Array.prototype.filter.call((transfer && transfer.files) || [], function (file) {
        return !imagesOnly || /^image\//.test(file.type);
      });
    }

    if (attach) {
      textarea.addEventListener("paste", function (event) {
        var files = filesOf(event.clipboardData, true);
        if (!files.length) return; // text pastes as usual
        event.preventDefault();
        files.forEach(uploadInto);
      });
      textarea.addEventListener("dragover", function (event) {
        if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types || [], "Files") >= 0) {
          event.preventDefault();
          textarea.classList.add("is-dragover");
        }
      });
      textarea.addEventListener("dragleave", function () { textarea.classList.remove("is-dragover"); });
      textarea.addEventListener("drop", function (event) {
        textarea.classList.remove("is-dragover");
        var files = filesOf(event.dataTransfer, false);
        if (!files.length) return;
        event.preventDefault();
        textarea.focus();
        files.forEach(uploadInto);
      });
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-composer]"), setup);
})();
