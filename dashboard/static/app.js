// Small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // The language switcher submits itself when a language is picked.
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  // A form that cannot be undone asks first, in the page's language.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  // One navigation menu open at a time; a click elsewhere or Escape closes it.
  const menus = [...document.querySelectorAll("nav details.menu")];
  const close = (except) => menus.forEach((m) => { if (m !== except) m.open = false; });
  for (const menu of menus) {
    menu.addEventListener("toggle", () => { if (menu.open) close(menu); });
  }
  document.addEventListener("click", (e) => { if (!e.target.closest("details.menu")) close(); });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") close(); });
  // The composer's button says what it does: send now, or schedule.
  const create = document.getElementById("create-broadcast");
  for (const radio of create ? document.querySelectorAll("input[name=when]") : []) {
    radio.addEventListener("change", () => {
      create.textContent = radio.value === "now" ? create.dataset.now : create.dataset.later;
    });
  }
});
