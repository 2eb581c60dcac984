// The calendars: type colours on the items' borders, and drag and drop to reschedule.
// Without this file every item still links to the follow-up and to its edit form.
"use strict";

(() => {
  const COLOR = /^#[0-9a-fA-F]{6}$/;

  // The colour is data from the database; the CSP forbids style attributes, not the CSSOM.
  function paintTypes(root) {
    for (const item of root.querySelectorAll("[data-type-color]")) {
      const color = item.dataset.typeColor;
      if (COLOR.test(color)) {
        item.style.setProperty("--type-color", color);
      }
    }
  }

  function csrfToken() {
    try {
      const headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) {
        return headers["X-CSRFToken"];
      }
    } catch (error) {
      // Fall through to the cookie.
    }
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  let clearing = null;

  function announce(text, failed, lasting) {
    const status = document.getElementById("calendar-status");
    if (!status) {
      return;
    }
    window.clearTimeout(clearing);
    status.classList.toggle("error", Boolean(failed));
    // Emptied first, so the same words said twice are spoken twice.
    status.textContent = "";
    window.setTimeout(() => {
      status.textContent = text;
    }, 50);
    // A success goes away by itself; a refusal stays until clicked or the next drop.
    if (!failed && !lasting) {
      clearing = window.setTimeout(() => {
        status.textContent = "";
      }, 8000);
    }
  }

  document.addEventListener("click", (event) => {
    if (event.target.id === "calendar-status") {
      event.target.textContent = "";
    }
  });

  // The calendar region comes again from the server (one request, the same filters).
  function refresh() {
    if (window.htmx && document.getElementById("calendar")) {
      window.htmx.ajax("GET", window.location.href, {target: "#calendar", swap: "outerHTML"});
    } else {
      window.location.reload();
    }
  }

  let dragged = null;
  let over = null;

  function setOver(zone) {
    if (over && over !== zone) {
      over.classList.remove("drop-over");
    }
    over = zone;
    if (zone) {
      zone.classList.add("drop-over");
    }
  }

  document.addEventListener("dragstart", (event) => {
    const item = event.target.closest && event.target.closest(".calendar [data-move-url]");
    if (!item) {
      return;
    }
    dragged = item;
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    const link = item.querySelector(".cal-link");
    event.dataTransfer.setData("text/plain", link ? link.textContent.trim() : "");
  });

  document.addEventListener("dragend", () => {
    if (dragged) {
      dragged.classList.remove("dragging");
    }
    dragged = null;
    setOver(null);
  });

  document.addEventListener("dragover", (event) => {
    const zone = dragged && event.target.closest && event.target.closest(".calendar [data-drop-date]");
    if (!zone) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    setOver(zone);
  });

  document.addEventListener("dragleave", (event) => {
    if (over && !over.contains(event.relatedTarget)) {
      setOver(null);
    }
  });

  document.addEventListener("drop", (event) => {
    const zone = dragged && event.target.closest && event.target.closest(".calendar [data-drop-date]");
    if (!zone) {
      return;
    }
    event.preventDefault();
    const item = dragged;
    setOver(null);
    move(item, zone.dataset.dropDate, zone.dataset.dropTime);
  });

  // An hour slot gives the hour; the minutes stay the follow-up's own (14:30 to 16:30).
  function targetTime(item, slotTime) {
    if (!slotTime || item.dataset.allDay === "true") {
      return "";
    }
    const minutes = (item.dataset.time || "00:00").slice(3, 5);
    return `${slotTime.slice(0, 2)}:${minutes}`;
  }

  async function move(item, date, slotTime) {
    const time = targetTime(item, slotTime);
    if (date === item.dataset.date && (!time || time === item.dataset.time)) {
      return;
    }
    const status = document.getElementById("calendar-status");
    const texts = status ? status.dataset : {};
    const body = new FormData();
    body.append("date", date);
    if (time) {
      body.append("time", time);
    }
    body.append("version", item.dataset.version || "");
    announce(texts.moving || "…", false, true);
    let answer = {};
    let ok = false;
    try {
      const response = await fetch(item.dataset.moveUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"},
      });
      answer = await response.json().catch(() => ({}));
      ok = response.ok && answer.ok === true;
    } catch (error) {
      answer = {};
    }
    announce(ok ? answer.message : (answer.detail || texts.failed), !ok);
    refresh();
  }

  // After HTMX swapped the calendar region in (navigation, or the refresh after a drop).
  document.addEventListener("htmx:afterSettle", () => paintTypes(document));
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => paintTypes(document));
  } else {
    paintTypes(document);
  }
})();
