// People (forum/profiles.py), the parts that need a browser; every page works without it.
// - a person's name (a[data-user-card], the user_link macro) opens their user card
//   (GET /u/{username}/card, an HTML fragment rendered and escaped by the server) on hover
//   with a mouse, or on tap on a touch screen, where the card's 查看主页 then opens the page;
// - forms marked data-inplace (收藏) post with X-Grassroots-In-Place: 1; the JSON answer
//   gives the button its new words and the message goes to the layout's live region
//   (window.grassroots.announce). Any other answer falls back to the plain form post;
// - a post's <details class="likers"> fetches who liked it when opened.
(function () {
  "use strict";

  function announce(text) {
    if (window.grassroots && window.grassroots.announce) window.grassroots.announce(text, "success");
  }

  // -- forms answered in place ----------------------------------------------------------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-inplace")) return;
    if (event.defaultPrevented) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Grassroots-In-Place": "1" },
      credentials: "same-origin",
    }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      if (!response.ok || type.indexOf("application/json") < 0) throw new Error("not in place");
      return response.json();
    }).then(function (data) {
      if (button) {
        button.disabled = false;
        button.textContent = data.label;
        button.setAttribute("aria-pressed", data.on ? "true" : "false");
      }
      announce(data.message);
    }).catch(function () {
      form.submit(); // the server answers as it does without JS (a refusal at its place)
    });
  });

  // -- who liked a post -------------------------------------------------------------------
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open) return;
    var url = details.getAttribute("data-likers");
    if (!url || details.hasAttribute("data-loaded")) return;
    details.setAttribute("data-loaded", "");
    fetch(url + "?fragment=1", { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("no likers");
      return response.text();
    }).then(function (html) {
      var list = details.querySelector(".likers-list");
      var parsed = document.createElement("template");
      parsed.innerHTML = html; // rendered and escaped by the server's templates
      if (list) list.replaceChildren(parsed.content);
    }).catch(function () { details.removeAttribute("data-loaded"); });
  }, true);

  // -- user cards -------------------------------------------------------------------------
  var card = null;
  var current = null;
  var showTimer = 0;
  var hideTimer = 0;
  var lastPointer = "mouse";
  var cache = {};

  function cardNode() {
    if (card) return card;
    card = document.createElement("div");
    card.className = "user-card";
    card.setAttribute("role", "dialog");
    card.setAttribute("aria-label", "用户卡片");
    card.hidden = true;
    card.addEventListener("pointerenter", function () { clearTimeout(hideTimer); });
    card.addEventListener("pointerleave", function (e) { if (e.pointerType === "mouse") hideSoon(); });
    document.body.append(card);
    return card;
  }

  function fetchCard(href) {
    if (!cache[href]) {
      cache[href] = fetch(href + "/card", { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("no card");
        return r.text();
      });
      cache[href].catch(function () { delete cache[href]; });
    }
    return cache[href];
  }

  function place(link) {
    var node = cardNode();
    var rect = link.getBoundingClientRect();
    var width = node.offsetWidth;
    var viewport = document.documentElement.clientWidth;
    var left = Math.max(8, Math.min(rect.left, viewport - width - 8));
    node.style.left = (left + window.scrollX) + "px";
    node.style.top = (rect.bottom + window.scrollY + 6) + "px";
  }

  function show(link) {
    current = link;
    clearTimeout(hideTimer);
    fetchCard(link.getAttribute("href")).then(function (html) {
      if (current !== link) return;
      var node = cardNode();
      var parsed = document.createElement("template");
      parsed.innerHTML = html; // rendered and escaped by the server's templates
      node.replaceChildren(parsed.content);
      node.hidden = false;
      place(link);
    }).catch(function () {});
  }

  function hide() {
    current = null;
    clearTimeout(showTimer);
    if (card) card.hidden = true;
  }

  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 300);
  }

  function userLink(target) {
    return target instanceof Element ? target.closest("a[data-user-card]") : null;
  }

  document.addEventListener("pointerdown", function (e) { lastPointer = e.pointerType || "mouse"; }, true);
  document.addEventListener("pointerover", function (e) {
    var link = userLink(e.target);
    if (!link || e.pointerType !== "mouse") return;
    clearTimeout(hideTimer);
    if (current === link) return;
    clearTimeout(showTimer);
    showTimer = setTimeout(function () { show(link); }, 250);
  });
  document.addEventListener("pointerout", function (e) {
    var link = userLink(e.target);
    if (!link || e.pointerType !== "mouse" || link.contains(e.relatedTarget)) return;
    clearTimeout(showTimer);
    hideSoon();
  });
  document.addEventListener("click", function (e) {
    var link = userLink(e.target);
    if (link && lastPointer !== "mouse" && current !== link) {
      e.preventDefault(); // a tap opens the card; 查看主页 (or a second tap) opens the page
      show(link);
      return;
    }
    if (card && !card.hidden && !card.contains(e.target) && !link) hide();
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
})();
