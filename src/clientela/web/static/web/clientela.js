// Small progressive enhancements; every page works without this file.
"use strict";

document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Moves focus to a region that is not focusable by itself (a results list, the page's main).
function focusRegion(region, options) {
  if (!region.hasAttribute("tabindex")) {
    region.tabIndex = -1;
  }
  region.focus(options);
}

// --- Toasts: they stay until closed, so they must be heard, reachable and out of the way.

// Screen readers speak what enters a live region, not what it held when the page loaded:
// the toasts leave their region and come back once the page is there.
function announceToasts() {
  const region = document.querySelector(".toasts");
  if (!region || !region.children.length) {
    return;
  }
  const toasts = [...region.children];
  region.replaceChildren();
  setTimeout(() => {
    region.append(...toasts);
    keepClearOfToasts();
  }, 150);
}

// Scrolling to the focused element leaves room for the toasts fixed at the bottom.
function keepClearOfToasts() {
  const region = document.querySelector(".toasts");
  const fixed = region && getComputedStyle(region).position === "fixed";
  const height = fixed ? region.getBoundingClientRect().height : 0;
  document.documentElement.style.setProperty(
    "scroll-padding-bottom", height ? `calc(${Math.ceil(height)}px + 1.5rem)` : "");
}

document.addEventListener("click", (event) => {
  const close = event.target.closest("[data-dismiss]");
  if (!close) {
    return;
  }
  const toast = close.closest(".toast");
  const next = toast.nextElementSibling || toast.previousElementSibling;
  const hadFocus = toast.contains(document.activeElement);
  toast.remove();
  keepClearOfToasts();
  if (hadFocus) {
    // Focus stays near: the next toast's button, else the start of the page's content.
    const button = next && next.querySelector("[data-dismiss]");
    if (button) {
      button.focus();
    } else {
      focusRegion(document.querySelector("main"), {preventScroll: true});
    }
  }
});

// --- The user menu (a <details>): Escape closes it, and so do leaving it and clicking
// elsewhere, so that its open panel never hides what has focus.

document.addEventListener("keydown", (event) => {
  const menu = event.key === "Escape" && event.target.closest && event.target.closest("details.menu[open]");
  if (menu) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});

document.addEventListener("focusout", (event) => {
  const menu = event.target.closest && event.target.closest("details.menu[open]");
  if (menu && event.relatedTarget && !menu.contains(event.relatedTarget)) {
    menu.open = false;
  }
});

document.addEventListener("click", (event) => {
  for (const menu of document.querySelectorAll("details.menu[open]")) {
    if (!menu.contains(event.target)) {
      menu.open = false;
    }
  }
});

// --- Folds that are open on wide screens and closed on phones (the list filters): they are
// open in the page, so without this script everything shows.
function foldOnNarrowScreens() {
  const folds = document.querySelectorAll("details[data-fold-narrow]");
  if (!folds.length) {
    return;
  }
  const wide = window.matchMedia("(min-width: 761px)");
  const apply = () => {
    for (const fold of folds) {
      fold.open = wide.matches;
    }
  };
  wide.addEventListener("change", apply);
  apply();
}

// --- HTMX swaps: one that takes away the focused element (e.g. "Next page" inside
// #results) leaves focus on the region swapped in, not on the page's body.
let swappedFocus = null;

document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  swappedFocus = target && target.id && target.contains(document.activeElement) ? target.id : null;
});

document.addEventListener("htmx:afterSettle", () => {
  const region = swappedFocus && document.getElementById(swappedFocus);
  swappedFocus = null;
  const active = document.activeElement;
  if (region && (!active || active === document.body || !active.isConnected)) {
    focusRegion(region);
  }
});

// A refused form: focus goes to the summary of its problems (each links to its field), or
// to the form's own alert where it has no summary (the login form).
function focusErrorSummary(root) {
  const summary = root.querySelector("#error-summary") || root.querySelector("main form [role=alert]");
  if (summary) {
    focusRegion(summary);
  }
}

// The party form: labels and fields follow the kind (person or company).
function followKind(form) {
  const kind = form.querySelector("[data-kind-switch]");
  if (!kind) {
    return;
  }
  const apply = () => {
    for (const input of form.querySelectorAll("[data-label-person]")) {
      const label = form.querySelector(`label[for="${input.id}"]`);
      if (label) {
        label.textContent = kind.value === "company" ? input.dataset.labelCompany : input.dataset.labelPerson;
      }
    }
    for (const input of form.querySelectorAll("[data-kind-only]")) {
      const field = input.closest(".field");
      // A field that already holds a value stays visible: nothing is hidden with data in it.
      if (field) {
        field.hidden = input.dataset.kindOnly !== kind.value && !input.value;
      }
    }
  };
  kind.addEventListener("change", apply);
  apply();
  offerKindSwitch(form, kind, apply);
}

// A CPF typed for a company (or a CNPJ for a person) offers to switch the kind.
function offerKindSwitch(form, kind, apply) {
  const taxId = form.querySelector("[data-tax-id]");
  if (!taxId) {
    return;
  }
  const offer = document.createElement("p");
  offer.className = "help kind-offer";
  offer.hidden = true;
  offer.setAttribute("role", "status");
  const text = document.createElement("span");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link";
  offer.append(text, " ", button);
  taxId.closest(".field").append(offer);
  const check = () => {
    const compact = taxId.value.replace(/[^0-9A-Za-z]/g, "");
    let suggested = null;
    if (compact.length === 11 && /^[0-9]+$/.test(compact) && kind.value === "company") {
      suggested = "person";
    } else if (compact.length === 14 && kind.value === "person") {
      suggested = "company";
    }
    offer.hidden = suggested === null;
    if (suggested) {
      const data = document.getElementById("kind-offer-texts").dataset;
      text.textContent = suggested === "person" ? data.cpfText : data.cnpjText;
      button.textContent = suggested === "person" ? data.cpfButton : data.cnpjButton;
      button.onclick = () => {
        kind.value = suggested;
        apply();
        offer.hidden = true;
        kind.focus();
      };
    }
  };
  taxId.addEventListener("input", check);
  kind.addEventListener("change", check);
  check();
}

document.addEventListener("DOMContentLoaded", () => {
  focusErrorSummary(document);
  announceToasts();
  foldOnNarrowScreens();
  for (const form of document.querySelectorAll("form.party-form")) {
    followKind(form);
  }
});

// --- The language switch (login and password reset pages) reloads the page: what was
// typed in the fields marked data-keep-on-language-switch (the username, never a password)
// waits in sessionStorage, for this tab only, and comes back once, on the same page.
const KEPT_ON_LANGUAGE_SWITCH = "clientela.kept-on-language-switch";

document.addEventListener("submit", (event) => {
  if (!event.target.matches || !event.target.matches("form[data-language-switch]")) {
    return;
  }
  const values = {};
  for (const input of document.querySelectorAll("input[data-keep-on-language-switch]")) {
    if (input.value) {
      values[input.name] = input.value;
    }
  }
  try {
    if (Object.keys(values).length) {
      const kept = {path: window.location.pathname, values};
      sessionStorage.setItem(KEPT_ON_LANGUAGE_SWITCH, JSON.stringify(kept));
    }
  } catch (error) {
    // No storage (private mode, blocked): the page comes back empty, as without this file.
  }
});

function restoreAfterLanguageSwitch() {
  let kept = null;
  try {
    kept = JSON.parse(sessionStorage.getItem(KEPT_ON_LANGUAGE_SWITCH));
    sessionStorage.removeItem(KEPT_ON_LANGUAGE_SWITCH);
  } catch (error) {
    return;
  }
  if (!kept || kept.path !== window.location.pathname || !kept.values) {
    return;
  }
  let last = null;
  for (const input of document.querySelectorAll("input[data-keep-on-language-switch]")) {
    const value = kept.values[input.name];
    if (typeof value === "string" && !input.value) {
      input.value = value;
      last = input;
    }
  }
  // On to the next field still empty (the password).
  const next = last && [...last.form.elements].find(
    (field) => field.matches("input:not([type=hidden])") && !field.value);
  if (next) {
    next.focus();
  }
}

document.addEventListener("DOMContentLoaded", restoreAfterLanguageSwitch);

// --- "N" anywhere (outside a text field) opens the new follow-up form, like Alt+Shift+N
// (the link's accesskey). Documented in the README's keyboard section.

document.addEventListener("keydown", (event) => {
  if (event.key !== "n" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
    return;
  }
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select, [contenteditable], dialog[open]")) {
    return;
  }
  const link = document.querySelector("a.new-followup");
  if (link) {
    event.preventDefault();
    link.click();
  }
});
