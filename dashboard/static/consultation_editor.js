// The consultation editor's live counts: as the coordinator types, the draft is sent
// (after a pause) to the server, which measures each question's SMS per language with
// the code the preview uses; the table shows them, or the error naming its field.
"use strict";
(() => {
  const PAUSE_MS = 400;

  function row(m) {
    const tr = document.createElement("tr");
    tr.dataset.question = m.question;
    tr.dataset.language = m.language;
    const cells = [m.question, m.language_name, m.characters_shown, m.encoding,
                   m.segments_shown];
    const classes = ["", "", "num characters", "encoding", "num segments"];
    cells.forEach((value, i) => {
      const td = document.createElement("td");
      const bdi = document.createElement("bdi");
      bdi.textContent = value;
      td.append(bdi);
      if (classes[i]) td.className = classes[i];
      tr.append(td);
    });
    return tr;
  }

  function attach(section) {
    const source = document.getElementById("source");
    const form = source.form;
    const body = section.querySelector("#live-counts");
    const error = section.querySelector("#live-error");
    let timer = null, latest = 0;
    const measure = async () => {
      const asked = ++latest;
      let answer;
      try {
        const response = await fetch(section.dataset.measureUrl, {
          method: "POST", body: new FormData(form), credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        answer = await response.json();
      } catch {
        section.dataset.state = "failed";  // the preview button still works
        return;
      }
      if (asked !== latest) return;  // a later draft's answer is on its way
      error.hidden = !answer.error;
      error.textContent = answer.error || "";
      body.replaceChildren(...(answer.rows || []).map(row));
      section.dataset.state = answer.error ? "error" : "counted";
    };
    source.addEventListener("input", () => {
      clearTimeout(timer);
      section.dataset.state = "typing";
      timer = setTimeout(measure, PAUSE_MS);
    });
    section.hidden = false;
    measure();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const section = document.getElementById("live-sms");
    if (section) attach(section);
  });
})();
