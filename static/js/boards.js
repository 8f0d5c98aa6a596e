// Live topic updates: subscribe to topic:{id} from the id embedded in the page, insert new
// posts, update edited ones and replace hidden/deleted ones. The page works without this.
(function () {
  "use strict";
  var posts = document.getElementById("posts");
  if (!posts || !window.WebSocket) return;
  var channel = posts.getAttribute("data-channel");
  var topicId = posts.getAttribute("data-topic-id");
  var live = posts.getAttribute("data-live") === "true";
  var lastId = parseInt(posts.getAttribute("data-last-id") || "0", 10) || 0;
  var status = document.getElementById("live-status");
  var delay = 1000;

  function postNode(number) { return document.getElementById("p" + number); }

  function build(data) {
    var article = document.createElement("article");
    article.className = "post card new-post";
    article.id = "p" + data.number;
    article.setAttribute("data-number", String(data.number));
    var header = document.createElement("header");
    header.className = "post-meta";
    var author = document.createElement("span");
    author.className = "post-author";
    author.textContent = data.author;
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

  function apply(type, data) {
    var node = postNode(data.number);
    if (type === "post.created") {
      if (node) return;
      if (!live) { if (status) status.hidden = false; return; }
      posts.appendChild(build(data));
    } else if (type === "post.edited" && node) {
      var body = node.querySelector(".post-body");
      if (body) { body.className = "prose post-body"; body.innerHTML = data.html; }
    } else if (type === "post.hidden" && node) {
      var target = node.querySelector(".post-body");
      if (target) {
        var note = document.createElement("p");
        note.className = "muted post-body";
        note.textContent = data.state === "deleted" ? "此回帖已删除。" : "此回帖已被隐藏。";
        target.replaceWith(note);
      }
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws");
    socket.addEventListener("open", function () {
      delay = 1000;
      socket.send(JSON.stringify({ type: "subscribe", channel: channel, last_id: lastId }));
    });
    socket.addEventListener("message", function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      if (frame.channel !== channel) return;
      if (frame.type === "event") {
        if (frame.id <= lastId) return;
        lastId = frame.id;
        apply(frame.event, frame.data || {});
      } else if (frame.type === "reload") {
        location.reload();
      }
    });
    socket.addEventListener("close", function (event) {
      if (event.code === 4401 || event.code === 4403) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  connect();
})();
