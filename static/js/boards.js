// Live topic updates over the shared realtime client (static/js/realtime.js): subscribe to
// topic:{id} from the id the page was rendered with, insert new posts, update edited ones and
// replace hidden or deleted ones. Resume after reconnects is the shared client's job.
// The page works without this script.
(function () {
  "use strict";
  var posts = document.getElementById("posts");
  var rt = window.GrassrootsRealtime;
  if (!posts || !rt) return;
  var channel = posts.getAttribute("data-channel");
  var topicId = posts.getAttribute("data-topic-id");
  var live = posts.getAttribute("data-live") === "true";
  var lastId = parseInt(posts.getAttribute("data-last-id") || "0", 10) || 0;
  var status = document.getElementById("live-status");

  function postNode(number) { return document.getElementById("p" + number); }

  function build(data) {
    var article = document.createElement("article");
    article.className = "post card new-post";
    article.id = "p" + data.number;
    article.setAttribute("data-number", String(data.number));
    var header = document.createElement("header");
    header.className = "post-meta";
    // The author's name links to their profile (and opens the user card, static/js/people.js).
    var author = document.createElement(data.author_username ? "a" : "span");
    author.className = "post-author";
    author.textContent = data.author;
    if (data.author_username) {
      author.href = "/u/" + encodeURIComponent(data.author_username);
      author.setAttribute("data-user-card", "");
    }
    var link = document.createElement("a");
    link.className = "muted small";
    link.href = "/t/" + topicId + "/" + data.number;
    link.textContent = "#" + data.number + " · 刚刚";
    header.appendChild(author);
    header.appendChild(link);
    var body = document.createElement("div");
    body.className = "prose post-body";
    body.innerHTML = data.html; // sanitized on the server by forum.markup.render
    article.appendChild(header);
    article.appendChild(body);
    return article;
  }

  function replaceBody(node, text) {
    var target = node.querySelector(".post-body");
    if (!target) return;
    var note = document.createElement("p");
    note.className = "muted post-body";
    note.textContent = text;
    target.replaceWith(note);
  }

  function apply(type, data) {
    var node = postNode(data.number);
    if (type === "post.created") {
      if (node) return;
      if (!live) { if (status) status.hidden = false; return; }
      posts.appendChild(build(data));
    } else if (type === "post.edited" && node) {
      var body = node.querySelector(".post-body");
      if (body) {
        var fresh = document.createElement("div");
        fresh.className = "prose post-body";
        fresh.innerHTML = data.html; // sanitized on the server
        body.replaceWith(fresh);
      }
    } else if (type === "post.hidden" && node) {
      replaceBody(node, data.state === "deleted" ? "此回帖已删除。" : "此回帖已被隐藏。");
    }
  }

  // In-app notifications arrive as `notice` frames on the user's socket: bump the badge.
  document.addEventListener("realtime:notice", function (e) {
    if (!e.detail || e.detail.event !== "notification.created") return;
    var link = document.querySelector(".notif-badge");
    if (!link) return;
    var badge = link.querySelector(".badge-unread");
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "badge badge-unread";
      badge.textContent = "0";
      link.appendChild(badge);
      link.classList.add("has-unread");
    }
    badge.textContent = String((parseInt(badge.textContent, 10) || 0) + 1);
  });

  rt.subscribe(channel, {
    lastId: lastId,
    onEvent: function (frame) { apply(frame.event, frame.data || {}); },
    onReload: function () { location.reload(); },
    onRefused: function () {},
  });
})();
