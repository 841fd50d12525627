// The filing form checks the figures as they are typed: it posts the form to the page's own
// /validate (the checks a save makes, CSRF token included) and marks each finding on its
// cell. Without JavaScript the form still works: a save answers with the same marks.
"use strict";

(function () {
  const form = document.getElementById("report-form");
  if (!form) return;
  const DELAY_MS = 400;
  let timer = null;
  let sent = 0;

  const idOf = (prefix, name) => prefix + name.split("/").join("-");

  function clearMarks() {
    form.querySelectorAll("td.finding-error, td.finding-warning").forEach((cell) => {
      cell.classList.remove("finding-error", "finding-warning");
    });
    form.querySelectorAll("[aria-invalid]").forEach((input) => input.removeAttribute("aria-invalid"));
    form.querySelectorAll(".cell-message").forEach((box) => box.replaceChildren());
  }

  function mark(fields) {
    for (const [name, lines] of Object.entries(fields)) {
      const input = document.getElementById(idOf("field-", name));
      const box = document.getElementById(idOf("msg-", name));
      if (!input || !box) continue;
      const worst = lines.some(([severity]) => severity === "error") ? "error" : "warning";
      const cell = input.closest("td");
      if (cell) cell.classList.add("finding-" + worst);
      if (worst === "error") input.setAttribute("aria-invalid", "true");
      for (const [severity, message] of lines) {
        const line = document.createElement("span");
        line.className = "finding-" + severity;
        line.textContent = message;
        box.appendChild(line);
      }
    }
  }

  // Totals left blank are summed by the service: shown greyed in their empty inputs.
  function totals(computed) {
    form.querySelectorAll("td[data-cell] input").forEach((input) => {
      const value = computed[input.name];
      if (value === undefined) input.removeAttribute("placeholder");
      else input.placeholder = value;
    });
  }

  function list(result) {
    const summary = document.getElementById("findings-summary");
    const items = document.getElementById("findings-list");
    if (!summary || !items) return;
    summary.textContent = result.error_count || result.warning_count
      ? `错误 ${result.error_count} 项，提示 ${result.warning_count} 项。`
      : "未发现错误。";
    items.replaceChildren();
    for (const [name, message] of Object.entries(result.problems)) {
      items.appendChild(item("error", name === "general" ? null : name, message));
    }
    for (const finding of result.findings) {
      items.appendChild(item(finding.severity, finding.cells[0] || null, finding.message));
    }
  }

  function item(severity, name, message) {
    const entry = document.createElement("li");
    entry.className = "finding-" + severity;
    if (name) {
      const link = document.createElement("a");
      link.href = "#" + idOf("field-", name);
      link.textContent = severity === "error" ? "错误" : "提示";
      entry.append(link, "：");
    }
    entry.append(message);
    return entry;
  }

  async function check() {
    const number = ++sent;
    const data = new URLSearchParams(new FormData(form));
    data.delete("status");
    let response;
    try {
      response = await fetch(form.dataset.validate, { method: "POST", body: data });
    } catch (error) {
      return; // offline: the save still checks everything
    }
    if (!response.ok || number !== sent) return; // a later check is on its way
    const result = await response.json();
    clearMarks();
    mark(result.fields);
    totals(result.computed);
    list(result);
    form.dataset.checked = String(number);
  }

  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, DELAY_MS);
  });
})();
