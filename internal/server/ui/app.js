// medvigil's minimal dashboard: log in, then read the API with the token.
// Everything is served by the medvigil binary itself; no external resources.
"use strict";
const $ = (s) => document.querySelector(s);
const token = () => sessionStorage.getItem("medvigil-token");

async function api(path) {
  const r = await fetch(path, { headers: { Authorization: "Bearer " + token() } });
  if (r.status === 401) { sessionStorage.removeItem("medvigil-token"); show(); throw new Error("logged out"); }
  if (!r.ok) throw new Error(path + ": " + r.status);
  return r.json();
}

async function all(path) {
  let items = [], cursor = "";
  for (;;) {
    const sep = path.includes("?") ? "&" : "?";
    const page = await api(path + sep + "limit=1000" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    items = items.concat(page.items);
    if (!page.next_cursor) return items;
    cursor = page.next_cursor;
  }
}

function cell(tr, text, cls) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  if (cls) td.className = cls;
  tr.appendChild(td);
}

// chart draws open findings by severity as an SVG bar chart.
function chart(counts) {
  const sev = ["critical", "high", "medium", "low", "unknown"];
  const colors = { critical: "#7a0916", high: "#b42318", medium: "#d97706", low: "#2f6f9f", unknown: "#8c959f" };
  const max = Math.max(1, ...sev.map((s) => counts[s] || 0));
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 420 " + sev.length * 28);
  svg.setAttribute("width", "420");
  svg.setAttribute("role", "img");
  sev.forEach((s, i) => {
    const n = counts[s] || 0;
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", "0"); label.setAttribute("y", String(i * 28 + 18));
    label.textContent = s;
    const bar = document.createElementNS(ns, "rect");
    bar.setAttribute("x", "80"); bar.setAttribute("y", String(i * 28 + 4));
    bar.setAttribute("height", "20"); bar.setAttribute("width", String(Math.round(280 * n / max)));
    bar.setAttribute("fill", colors[s]);
    const value = document.createElementNS(ns, "text");
    value.setAttribute("x", String(86 + Math.round(280 * n / max))); value.setAttribute("y", String(i * 28 + 18));
    value.textContent = String(n);
    svg.append(label, bar, value);
  });
  $("#chart").replaceChildren(svg);
}

async function dashboard() {
  const org = await api("/api/v1/organization");
  $("#org").textContent = org.name + " (" + org.kind + ")";
  $("#demo-banner").hidden = !org.demo;
  const today = new Date().toISOString().slice(0, 10);
  const tbody = $("#products tbody");
  tbody.replaceChildren();
  const versions = {};
  for (const p of await all("/api/v1/products")) {
    for (const v of await all("/api/v1/products/" + p.id + "/versions")) {
      versions[v.id] = p.name + " " + v.version;
      const tr = document.createElement("tr");
      cell(tr, p.name); cell(tr, v.version); cell(tr, v.release_date);
      const legacy = v.end_of_support && v.end_of_support < today;
      cell(tr, v.end_of_support + (legacy ? " (legacy: support ended)" : ""), legacy ? "legacy" : "");
      cell(tr, v.support_level);
      tbody.appendChild(tr);
    }
  }
  const open = await all("/api/v1/findings?status=open");
  const counts = {};
  for (const f of open) counts[f.severity] = (counts[f.severity] || 0) + 1;
  chart(counts);
  const kev = open.filter((f) => f.kev);
  $("#kev").textContent = open.length + " open findings, " + kev.length + " of them in CISA's Known Exploited Vulnerabilities catalog.";
  const kb = $("#kev-findings tbody");
  kb.replaceChildren();
  for (const f of kev) {
    const tr = document.createElement("tr");
    cell(tr, [f.vuln_id].concat(f.aliases || []).join(", ")); cell(tr, f.severity + (f.cvss ? " " + f.cvss : ""));
    cell(tr, versions[f.version_id] || f.version_id); cell(tr, (f.fixed_versions || []).join(", ")); cell(tr, f.rule);
    kb.appendChild(tr);
  }
}

function show() {
  const in_ = !!token();
  $("#login").hidden = in_;
  $("#dashboard").hidden = !in_;
  $("#logout").hidden = !in_;
  if (in_) dashboard().catch((e) => console.error(e));
}

document.addEventListener("DOMContentLoaded", () => {
  $("#login").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const fd = new FormData(ev.target);
    const r = await fetch("/api/v1/auth/login", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: fd.get("email"), password: fd.get("password") }) });
    if (!r.ok) { $("#login-error").textContent = "Wrong e-mail or password."; return; }
    const t = await r.json();
    sessionStorage.setItem("medvigil-token", t.secret);
    $("#login-error").textContent = "";
    show();
  });
  $("#logout").addEventListener("click", () => { sessionStorage.removeItem("medvigil-token"); show(); });
  show();
});
