// The query page of `kg serve`: runs the form's query with fetch and shows the answer.
// Everything from the server is put in the page with textContent only.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const saved = JSON.parse($("kg-saved-data").textContent);
  const select = $("kg-saved");
  for (const [name, about] of Object.entries(saved)) {
    const option = document.createElement("option");
    option.value = name;
    option.textContent = name + " \u2014 " + about[0];
    select.appendChild(option);
  }
  select.addEventListener("change", () => {
    if (select.value) {
      $("kg-query").value = saved[select.value][1];
      $("kg-about").textContent = saved[select.value][0];
    }
  });

  function cell(tag, text) {
    const element = document.createElement(tag);
    element.textContent = text;
    return element;
  }

  function table(doc) {
    if (typeof doc.boolean === "boolean") return cell("pre", String(doc.boolean));
    const vars = doc.head.vars;
    const out = document.createElement("table");
    const head = out.createTHead().insertRow();
    for (const v of vars) head.appendChild(cell("th", v));
    const body = out.createTBody();
    for (const binding of doc.results.bindings) {
      const row = body.insertRow();
      for (const v of vars) {
        const term = binding[v];
        let text = "";
        if (term) {
          text = term.value;
          if (term["xml:lang"]) text += " @" + term["xml:lang"];
        }
        row.appendChild(cell("td", typeof text === "string" ? text : JSON.stringify(text)));
      }
    }
    return out;
  }

  $("kg-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const format = $("kg-format").value;
    const params = new URLSearchParams({ query: $("kg-query").value });
    if (format) params.set("format", format);
    $("kg-error").textContent = "";
    $("kg-out").replaceChildren();
    $("kg-status").textContent = "running\u2026";
    const started = performance.now();
    try {
      const response = await fetch("/sparql", {
        method: "POST", body: params,
        headers: { Accept: "application/sparql-results+json, text/turtle;q=0.9" },
      });
      const text = await response.text();
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      if (!response.ok) {
        $("kg-status").textContent = response.status + " after " + seconds + " s";
        $("kg-error").textContent = text;
        return;
      }
      const type = response.headers.get("Content-Type") || "";
      const cut = response.headers.get("X-KG-Truncated") === "true";
      let shown = cell("pre", text);
      let rows = "";
      if (!format && type.startsWith("application/sparql-results+json")) {
        const doc = JSON.parse(text);
        shown = table(doc);
        if (doc.results) rows = doc.results.bindings.length + " rows \u00b7 ";
      }
      $("kg-status").textContent = rows + seconds + " s" + (cut
        ? " \u00b7 cut at the server's limit of " + response.headers.get("X-KG-Result-Limit")
        : "");
      $("kg-out").appendChild(shown);
    } catch (error) {
      $("kg-status").textContent = "";
      $("kg-error").textContent = String(error);
    }
  });
})();
