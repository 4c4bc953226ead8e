/* Address suggestions for the "Hvor bor du?" field (templates/_macros/address_field.html).
 *
 * Progressive enhancement: without this script the field is a plain text
 * input. With it, the input becomes a WAI-ARIA combobox with a listbox popup
 * ("list autocomplete with manual selection", WAI-ARIA Authoring Practices):
 *   Down / Up      open the list, move through the suggestions (wrapping)
 *   Alt+Down       open the list without moving
 *   Enter          take the highlighted suggestion (otherwise the form submits)
 *   Escape         close the list; pressed again, clear the field
 *   Tab            close the list and move on
 * A polite live region says how many suggestions there are. When what is typed
 * cannot be suggested as typed (a street the town typed does not have), the
 * answer's `notice` is shown under the field, so the person knows before sending.
 * What is typed is sent by POST, so it never lands in a URL or an access log.
 */
(function () {
  "use strict";
  if (!window.fetch || !document.querySelector || !window.JSON) { return; }

  var DELAY_MS = 150;
  var MIN_CHARS = 2;

  function setStyles(el, styles) {
    for (var key in styles) { if (Object.prototype.hasOwnProperty.call(styles, key)) { el.style[key] = styles[key]; } }
  }

  function enhance(wrapper) {
    if (wrapper.getAttribute("data-enhanced") === "true") { return; }
    var input = wrapper.querySelector("input[type=text]");
    var url = wrapper.getAttribute("data-url");
    if (!input || !url) { return; }
    wrapper.setAttribute("data-enhanced", "true");
    var listId = (input.id || "address") + "-listbox";
    var statusId = (input.id || "address") + "-status";

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "address-field__listbox";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", wrapper.getAttribute("data-msg-list") || "Forslag");
    list.hidden = true;
    setStyles(list, {
      position: "absolute", zIndex: "20", left: "0", right: "0", margin: "0", padding: "0",
      listStyle: "none", maxHeight: "18rem", overflowY: "auto",
      background: "var(--c-surface, #fff)", border: "2px solid var(--c-border-strong, #5d6d71)",
      borderTop: "0", borderRadius: "0 0 var(--radius-small, 0.35rem) var(--radius-small, 0.35rem)",
      boxShadow: "var(--shadow, 0 2px 8px rgba(0,0,0,.1))"
    });

    var status = document.createElement("p");
    status.id = statusId;
    status.className = "visually-hidden address-field__status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    var notice = document.createElement("p");
    notice.id = (input.id || "address") + "-suggestions-notice";  // "-notice" is the server's (address_field.html)
    notice.className = "field__hint address-field__notice";
    notice.setAttribute("aria-live", "polite");
    notice.hidden = true;

    var holder = document.createElement("div");
    holder.className = "address-field__control";
    setStyles(holder, { position: "relative" });
    input.parentNode.insertBefore(holder, input);
    holder.appendChild(input);
    holder.appendChild(list);
    holder.parentNode.insertBefore(notice, holder.nextSibling);
    wrapper.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");  // our list replaces the browser's own

    var items = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var sequence = 0;
    var lastQuery = null;

    function optionId(i) { return listId + "-option-" + i; }

    function announce(count) {
      var text;
      if (count === 0) { text = wrapper.getAttribute("data-msg-none") || ""; }
      else if (count === 1) { text = wrapper.getAttribute("data-msg-one") || ""; }
      else { text = (wrapper.getAttribute("data-msg-many") || "{n}").replace("{n}", String(count)); }
      status.textContent = text;
    }

    function open() {
      if (!items.length) { return; }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      setActive(-1);
    }

    function setActive(index) {
      var options = list.children;
      for (var i = 0; i < options.length; i++) {
        var on = i === index;
        options[i].setAttribute("aria-selected", on ? "true" : "false");
        setStyles(options[i], on
          ? { background: "var(--c-primary, #0b5d57)", color: "#fff" }
          : { background: "", color: "" });
      }
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", optionId(index));
        var opt = options[index];
        if (opt.offsetTop < list.scrollTop) { list.scrollTop = opt.offsetTop; }
        else if (opt.offsetTop + opt.offsetHeight > list.scrollTop + list.clientHeight) {
          list.scrollTop = opt.offsetTop + opt.offsetHeight - list.clientHeight;
        }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function showNotice(text) {
      notice.textContent = text || "";
      notice.hidden = !text;
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id !== notice.id;
      });
      if (text) { described.push(notice.id); }
      input.setAttribute("aria-describedby", described.join(" "));
    }

    function render(results, text) {
      items = results;
      showNotice(text);
      while (list.firstChild) { list.removeChild(list.firstChild); }
      results.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = optionId(i);
        li.className = "address-field__option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = item.label;
        if (item.note) {  // why this suggestion is less exact than what was typed
          var why = document.createElement("span");
          why.className = "address-field__option-note";
          why.textContent = item.note;
          setStyles(why, { display: "block", fontSize: "0.875em" });
          li.appendChild(why);
        }
        setStyles(li, { padding: "0.5rem 0.75rem", cursor: "pointer" });
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep focus in the input
        li.addEventListener("click", function () { choose(i); });
        list.appendChild(li);
      });
      active = -1;
      announce(results.length);
      if (results.length && document.activeElement === input) { open(); } else { close(); }
    }

    function choose(index) {
      var item = items[index];
      if (!item) { return; }
      input.value = item.value;
      lastQuery = item.value;
      close();
      input.focus();
      var caret = typeof item.caret === "number" ? item.caret : item.value.length;
      try { input.setSelectionRange(caret, caret); } catch (e) { /* some input types refuse */ }
    }

    function fetchSuggestions() {
      var query = input.value.replace(/\s+/g, " ").trim();
      if (query === lastQuery) { return; }
      lastQuery = query;
      if (query.length < MIN_CHARS) { render([], null); status.textContent = ""; return; }
      sequence += 1;
      var mine = sequence;
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ q: query, limit: 8 }),
        signal: controller ? controller.signal : undefined
      }).then(function (response) {
        return response.ok ? response.json() : { results: [] };
      }).then(function (data) {
        if (mine === sequence) { render((data && data.results) || [], data && data.notice); }
      }).catch(function () { /* offline or aborted: the field still works as plain text */ });
    }

    input.addEventListener("input", function () {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var isOpen = !list.hidden;
      switch (event.key) {
        case "ArrowDown":
        case "Down":
          if (!items.length) { return; }
          event.preventDefault();
          if (!isOpen) { open(); if (event.altKey) { return; } }
          setActive(active + 1 >= items.length ? 0 : active + 1);
          break;
        case "ArrowUp":
        case "Up":
          if (!items.length) { return; }
          event.preventDefault();
          if (!isOpen) { open(); }
          setActive(active - 1 < 0 ? items.length - 1 : active - 1);
          break;
        case "Enter":
          if (isOpen && active >= 0) { event.preventDefault(); choose(active); }
          break;
        case "Escape":
        case "Esc":
          if (isOpen) { event.preventDefault(); close(); }
          else if (input.value) { event.preventDefault(); input.value = ""; lastQuery = ""; render([], null); }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () { setTimeout(close, 100); });
    input.addEventListener("focus", function () { if (items.length && input.value) { open(); } });
  }

  function init() {
    var fields = document.querySelectorAll("[data-address-field]");
    for (var i = 0; i < fields.length; i++) { enhance(fields[i]); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
