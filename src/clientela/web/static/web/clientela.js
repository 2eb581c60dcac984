// Small progressive enhancements; every page works without this file.
"use strict";

document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

document.addEventListener("click", (event) => {
  const close = event.target.closest("[data-dismiss]");
  if (close) {
    close.closest(".toast").remove();
  }
});

// A refused form: focus goes to the summary of its problems (each links to its field).
function focusErrorSummary(root) {
  const summary = root.querySelector("#error-summary");
  if (summary) {
    summary.focus();
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
  for (const form of document.querySelectorAll("form.party-form")) {
    followKind(form);
  }
});
