// The relationship log's pages: the party picker, the description / complaint / internal
// note tabs, and the dialog of returns due after login. Everything here only improves a
// page that works without it.

// Party picker: a found party's button fills the hidden party_id and the search box.
document.addEventListener("click", (event) => {
  const option = event.target.closest && event.target.closest("[data-party-id]");
  if (!option) {
    return;
  }
  const picker = option.closest(".party-picker");
  const form = option.closest("form");
  form.querySelector("input[name=party_id]").value = option.dataset.partyId;
  const box = picker.querySelector("input[name=party_query]");
  box.value = option.dataset.partyName;
  picker.querySelector("#party-options").replaceChildren();
  box.focus();
});

// Typing in the party box again forgets the chosen party (until one is chosen).
document.addEventListener("input", (event) => {
  if (event.target.name === "party_query") {
    const hidden = event.target.form.querySelector("input[name=party_id]");
    if (hidden) {
      hidden.value = "";
    }
  }
});

// Tabs: only with JavaScript; without it the three text areas show one below the other.
function setUpTabs(root) {
  const buttons = [...root.querySelectorAll("[role=tab]")];
  const show = (chosen, focus) => {
    for (const button of buttons) {
      const selected = button === chosen;
      button.setAttribute("aria-selected", String(selected));
      button.tabIndex = selected ? 0 : -1;
      document.getElementById(button.getAttribute("aria-controls")).hidden = !selected;
    }
    if (focus) {
      chosen.focus();
    }
  };
  root.classList.add("js");
  root.querySelector("[role=tablist]").hidden = false;
  // Open on the first tab that has an error, else the first one.
  const withError = buttons.find((b) => document.getElementById(b.getAttribute("aria-controls")).querySelector(".has-error"));
  show(withError || buttons[0], false);
  for (const button of buttons) {
    button.addEventListener("click", () => show(button, true));
    button.addEventListener("keydown", (event) => {
      const index = buttons.indexOf(button);
      const step = {ArrowRight: 1, ArrowLeft: -1}[event.key];
      if (step) {
        event.preventDefault();
        show(buttons[(index + step + buttons.length) % buttons.length], true);
      }
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-tabs]").forEach(setUpTabs);
  const dialog = document.querySelector("dialog[data-open-on-load]");
  if (dialog && dialog.showModal) {
    dialog.showModal();
  }
});
