/**
 * The inspector's script (plain browser JavaScript, no build step). Every piece of data reaches
 * the DOM through `textContent` or a numeric SVG attribute: a key or value holding HTML shows as
 * text. Kept free of backticks so it can live in this string.
 */
export const APP_JS = String.raw`"use strict";
(function () {
  var main = document.getElementById("main");
  var state = { allowWrites: false, timer: null, cache: null, cursor: "0", q: "" };

  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) for (var k in props) {
      if (k === "text") node.textContent = props[k];
      else if (k === "className") node.className = props[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), props[k]);
      else node.setAttribute(k, props[k]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function show(node) { clear(main).appendChild(node); }
  // Rejections carry { message } (the page has nothing to gain from stack traces).
  function failure(msg) { return { message: msg }; }
  function errorBox(msg) { return el("p", { className: "error", text: msg }); }

  function get(path, params) {
    var qs = new URLSearchParams(params || {}).toString();
    return fetch("/api/" + path + (qs ? "?" + qs : ""), { credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw failure(body && body.error ? body.error : "HTTP " + r.status);
        return body;
      });
    });
  }
  function post(path, body) {
    return fetch("/api/" + path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Superset-Cache-UI": "1" },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (b) { if (!r.ok) throw failure(b.error || "HTTP " + r.status); return b; });
    });
  }

  function fmtBytes(n) {
    if (n === null || n === undefined) return "?";
    var u = ["B", "KB", "MB", "GB", "TB"], i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i ? n.toFixed(1) : String(n)) + " " + u[i];
  }
  function fmtPct(x) { return x === null || x === undefined ? "–" : (x * 100).toFixed(1) + " %"; }
  function cellText(v) {
    if (v === null || v === undefined) return "null";
    if (typeof v === "string") return v;
    return JSON.stringify(v);
  }

  function sparkline(label, values, fmt) {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 100 40");
    svg.setAttribute("preserveAspectRatio", "none");
    var nums = values.filter(function (v) { return typeof v === "number"; });
    var max = Math.max.apply(null, nums.concat([1e-9]));
    var min = Math.min.apply(null, nums.concat([0]));
    var pts = [];
    values.forEach(function (v, i) {
      if (typeof v !== "number") return;
      var x = values.length > 1 ? (i / (values.length - 1)) * 100 : 50;
      var y = 38 - ((v - min) / (max - min || 1)) * 36;
      pts.push(x.toFixed(2) + "," + y.toFixed(2));
    });
    var line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    line.setAttribute("points", pts.join(" "));
    svg.appendChild(line);
    var last = nums.length ? nums[nums.length - 1] : null;
    return el("div", { className: "chart" }, label + ": " + (last === null ? "–" : fmt(last)), svg);
  }

  function metric(label, value) { return el("div", { className: "metric" }, el("b", { text: value }), el("span", { text: label })); }

  function overview() {
    get("overview").then(function (o) {
      state.allowWrites = o.allowWrites;
      document.getElementById("mode").textContent = o.allowWrites ? "writes allowed" : "read-only";
      var cards = el("div", { className: "cards" });
      o.caches.forEach(function (c) {
        var card = el("div", { className: "card cache-card", "data-cache": c.name },
          el("h3", { text: c.name }),
          el("div", { className: "muted", text: c.backend + (c.server ? " · " + c.server : "") + " · prefix " + JSON.stringify(c.prefix) }));
        if (c.problem) card.appendChild(errorBox(c.problem));
        if (c.error) card.appendChild(errorBox(c.error));
        var l = c.latest;
        if (l) {
          card.appendChild(el("div", { className: "metrics" },
            metric("hit ratio", fmtPct(l.hitRatioTotal)),
            metric("ops/s", String(l.opsPerSec)),
            metric("p99 GET", l.p99GetUsec === null ? "–" : l.p99GetUsec + " µs"),
            metric("memory / max", fmtBytes(l.usedMemoryBytes) + " / " + (l.maxMemoryBytes ? fmtBytes(l.maxMemoryBytes) : "no limit")),
            metric("evictions", String(l.evictedKeys)),
            metric("clients", String(l.connectedClients)),
            metric("keys in db", String(l.keysInDb))));
          var s = c.series;
          card.appendChild(el("div", { className: "charts" },
            sparkline("hit ratio", s.hitRatio, fmtPct),
            sparkline("ops/s", s.opsPerSec, String),
            sparkline("p99 GET µs", s.p99GetUsec, String),
            sparkline("memory", s.usedMemoryBytes, fmtBytes),
            sparkline("evictions / interval", s.evictedInInterval, String),
            sparkline("clients", s.connectedClients, String)));
          card.appendChild(el("a", { href: "#/keys/" + encodeURIComponent(c.name), text: "browse keys →" }));
        } else if (!c.server) {
          card.appendChild(el("p", { className: "muted", text: "Numbers and key browsing need a Redis backend." }));
        }
        cards.appendChild(card);
      });
      show(el("section", null, el("h2", { text: "Caches" }),
        el("p", { className: "muted", text: "Sampled from INFO every " + o.intervalSeconds + " s; charts show the last minutes." }),
        cards, actionsPanel()));
    }).catch(function (e) { show(errorBox(e.message)); });
  }

  function actionsPanel() {
    var out = el("pre", { id: "action-result" });
    var uid = el("input", { placeholder: "datasource uid, e.g. 3__table", id: "invalidate-uid" });
    var chart = el("input", { placeholder: "chart id", id: "warm-chart", size: "8" });
    var dash = el("input", { placeholder: "dashboard id (optional)", id: "warm-dashboard", size: "14" });
    function run(p) { p.then(function (r) { out.textContent = JSON.stringify(r, null, 2); }, function (e) { out.textContent = e.message; }); }
    var dis = state.allowWrites ? null : "disabled";
    var b1 = el("button", { text: "Invalidate", onclick: function () { run(post("invalidate", { datasourceUids: [uid.value] })); } });
    var b2 = el("button", { text: "Warm chart", onclick: function () {
      run(post("warm", { chartId: Number(chart.value), dashboardId: dash.value ? Number(dash.value) : null }));
    } });
    if (dis) { b1.setAttribute("disabled", ""); b2.setAttribute("disabled", ""); }
    return el("section", { className: "card" }, el("h3", { text: "Actions" }),
      state.allowWrites ? null : el("p", { className: "muted", text: "Read-only: start with --allow-writes to delete, invalidate or warm." }),
      el("div", { className: "toolbar" }, uid, b1), el("div", { className: "toolbar" }, chart, dash, b2), out);
  }

  function keysPage(name) {
    get("overview").then(function (o) {
      state.allowWrites = o.allowWrites;
      var redis = o.caches.filter(function (c) { return c.server; });
      if (!redis.length) return show(errorBox("No Redis-backed cache to browse."));
      state.cache = name && redis.some(function (c) { return c.name === name; }) ? name : redis[0].name;
      var select = el("select", { id: "cache-select", onchange: function () { location.hash = "#/keys/" + encodeURIComponent(select.value); } });
      redis.forEach(function (c) {
        var opt = el("option", { value: c.name, text: c.name + " (" + c.prefix + ")" });
        if (c.name === state.cache) opt.setAttribute("selected", "");
        select.appendChild(opt);
      });
      var search = el("input", { id: "key-search", placeholder: "search (substring of the key)" });
      search.value = state.q;
      var body = el("tbody");
      var more = el("button", { text: "More", id: "more-keys" });
      var detail = el("div", { id: "entry" }, el("p", { className: "muted", text: "Click a key to decode its value." }));
      function load(reset) {
        if (reset) { clear(body); state.cursor = "0"; }
        get("keys", { cache: state.cache, cursor: state.cursor, q: state.q }).then(function (page) {
          page.keys.forEach(function (k) {
            var name = el("td", { text: k.key });
            // A session key: the server sent its id cut short and a handle to open it by.
            if (k.masked) { name.className = "masked"; name.title = "a live session: its id is not shown"; }
            body.appendChild(el("tr", { className: "key", onclick: function () { entryView(detail, k.id); } },
              name, el("td", { text: k.type }), el("td", { text: fmtBytes(k.bytes) }),
              el("td", { text: k.ttlSeconds === null ? "no expiry" : k.ttlSeconds + " s" })));
          });
          state.cursor = page.cursor;
          more.style.display = page.cursor === "0" ? "none" : "";
        }).catch(function (e) { body.appendChild(el("tr", null, el("td", { colspan: "4", className: "error", text: e.message }))); });
      }
      more.addEventListener("click", function () { load(false); });
      search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { state.q = search.value; load(true); } });
      show(el("section", null, el("h2", { text: "Keys" }),
        el("div", { className: "toolbar" }, select, search, el("button", { text: "Search", onclick: function () { state.q = search.value; load(true); } })),
        el("div", { className: "split" },
          el("div", null, el("table", { id: "keys-table" },
            el("thead", null, el("tr", null, el("th", { text: "key" }), el("th", { text: "type" }), el("th", { text: "size" }), el("th", { text: "TTL" }))), body), more),
          detail)));
      load(true);
    }).catch(function (e) { show(errorBox(e.message)); });
  }

  function entryView(box, id) {
    clear(box).appendChild(el("p", { className: "muted", text: "Decoding…" }));
    var ref = { cache: state.cache, key: id };
    get("entry", ref).then(function (e) {
      clear(box);
      box.appendChild(el("h3", { id: "entry-key", text: e.key }));
      box.appendChild(el("p", { className: "muted", id: "entry-meta",
        text: (e.kind || "too large") + (e.format ? " · " + e.format : "") + " · " + fmtBytes(e.bytes) + " · " + (e.ttlSeconds === null ? "no expiry" : "TTL " + e.ttlSeconds + " s") }));
      if (e.items) box.appendChild(el("p", { className: "muted", id: "entry-items",
        text: "showing " + e.items.shown + " of " + e.items.total + " items (read without consuming)" }));
      var rawOut = el("pre", { id: "raw" });
      rawOut.style.display = "none";
      // Raw bytes exist for strings only; list, hash, set and stream views have none.
      var bar = el("div", { className: "toolbar" }, e.items ? null : el("button", { text: "Raw bytes", id: "raw-button", onclick: function () {
        get("raw", { cache: state.cache, key: id, length: "4096" }).then(function (r) {
          rawOut.style.display = "";
          rawOut.textContent = r.hex.replace(/(.{64})/g, "$1\n") + (r.total > r.length ? "\n… " + r.total + " bytes in all" : "");
        }, function (err) { rawOut.style.display = ""; rawOut.textContent = err.message; });
      } }));
      if (state.allowWrites) bar.appendChild(el("button", { className: "danger", text: "Delete", onclick: function () {
        if (!confirm("Delete this key?")) return;
        post("delete", { cache: state.cache, key: id }).then(function () { clear(box).appendChild(el("p", { text: "Deleted." })); }, function (err) { box.appendChild(errorBox(err.message)); });
      } }));
      box.appendChild(bar);
      box.appendChild(rawOut);
      if (e.tooLarge) { box.appendChild(errorBox(e.error)); return; }
      var view = el("div", { id: "value" });
      box.appendChild(view);
      // Thumbnail shapes that keep the image as base64 text (Superset 5's dict): show the picture too.
      if (e.image && !(e.value && e.value.$image)) render({ $image: e.image }, view, 0, ref);
      render(e.value, view, 0, ref);
    }).catch(function (err) { clear(box).appendChild(errorBox(err.message)); });
  }

  function isSpecial(v) { return v && typeof v === "object" && !Array.isArray(v) && (v.$dataframe || v.$array || v.$image || v.$bytes || v.$text); }
  function hasSpecial(v) {
    if (!v || typeof v !== "object") return false;
    if (isSpecial(v)) return true;
    for (var k in v) if (hasSpecial(v[k])) return true;
    return false;
  }
  function jsonText(s) {
    if (typeof s !== "string" || !/^\s*[\[{]/.test(s)) return undefined;
    try { return JSON.parse(s); } catch (e) { return undefined; }
  }
  function pretty(v) {
    return JSON.stringify(v, function (k, x) { var j = jsonText(x); return j === undefined ? x : j; }, 2);
  }

  function render(v, box, depth, ref) {
    if (v && v.$dataframe) return pagedTable(box, v.$dataframe.path, v.$dataframe.numRows, v.$dataframe.columns, v.$dataframe.rows, ref, "dataframe");
    if (v && v.$array) return pagedTable(box, v.$array.path, v.$array.length, null, v.$array.items, ref, "list");
    if (v && v.$image) {
      var img = el("img", { className: "thumb", id: "thumbnail", alt: "thumbnail" });
      img.src = "/api/image?" + new URLSearchParams(ref).toString();
      return box.appendChild(img);
    }
    if (v && v.$bytes) return box.appendChild(el("pre", { text: v.$bytes.length + " bytes: " + v.$bytes.hex + (v.$bytes.length > 64 ? "…" : "") }));
    if (v && v.$text) return box.appendChild(el("pre", { text: v.$text.head + "\n… " + v.$text.length + " characters in all" }));
    if (Array.isArray(v) && v.length && v.every(function (x) { return x && typeof x === "object" && !Array.isArray(x) && !isSpecial(x); }))
      return pagedTable(box, null, v.length, null, v, ref, "list");
    if (v && typeof v === "object" && !Array.isArray(v) && depth < 3 && hasSpecial(v)) {
      for (var k in v) {
        var sec = el("div", { className: "field" }, el("h3", { text: k }));
        box.appendChild(sec);
        render(v[k], sec, depth + 1, ref);
      }
      return;
    }
    var parsed = jsonText(v);
    box.appendChild(el("pre", { className: parsed === undefined ? "value-json" : "value-json json-text", text: parsed === undefined ? pretty(v) : pretty(parsed) }));
  }

  function pagedTable(box, path, total, columns, first, ref, kind) {
    var pageSize = Math.max(first.length, 1);
    var offset = 0;
    var cols = columns;
    if (!cols) {
      var names = [];
      first.forEach(function (r) { if (r && typeof r === "object" && !Array.isArray(r)) for (var k in r) if (names.indexOf(k) < 0) names.push(k); });
      cols = names.length ? names.map(function (n) { return { name: n, type: "" }; }) : [{ name: "value", type: "" }];
    }
    var head = el("tr");
    cols.forEach(function (c) { head.appendChild(el("th", null, c.name, c.type ? el("small", { text: " " + c.type }) : null)); });
    var body = el("tbody");
    var info = el("span", { className: "muted" });
    function fill(rows) {
      clear(body);
      rows.forEach(function (r) {
        var tr = el("tr");
        cols.forEach(function (c, i) {
          var v = Array.isArray(r) ? r[i] : (r && typeof r === "object" && cols[0].name !== "value" ? r[c.name] : r);
          tr.appendChild(el("td", { text: cellText(v) }));
        });
        body.appendChild(tr);
      });
      info.textContent = total === 0 ? "0 rows" : "rows " + (offset + 1) + "–" + (offset + rows.length) + " of " + total;
    }
    function go(to) {
      if (path === null || to < 0 || to >= total) return;
      get("rows", { cache: ref.cache, key: ref.key, path: JSON.stringify(path), offset: String(to), limit: String(pageSize) })
        .then(function (p) { offset = p.offset; fill(p.rows); }, function (e) { info.textContent = e.message; });
    }
    var table = el("table", { className: kind + "-table" }, el("thead", null, head), body);
    box.appendChild(table);
    if (path !== null && total > pageSize)
      box.appendChild(el("div", { className: "toolbar" },
        el("button", { text: "‹ previous", className: "prev-page", onclick: function () { go(offset - pageSize); } }),
        el("button", { text: "next ›", className: "next-page", onclick: function () { go(offset + pageSize); } }), info));
    else box.appendChild(info);
    fill(first);
  }

  function doctorPage() {
    show(el("p", { className: "muted", text: "Running the doctor (reads INFO twice, one second apart)…" }));
    get("doctor").then(function (d) {
      var sec = el("section", null, el("h2", { text: "Doctor" }));
      function finding(f) {
        return el("div", { className: "card finding sev-" + f.severity },
          el("div", null, el("span", { className: "badge", text: f.severity }), el("strong", { text: f.title }), el("span", { className: "muted", text: "  " + f.id })),
          el("p", { text: f.detail }), f.fix ? el("p", null, el("b", { text: "Fix: " }), f.fix) : null);
      }
      if (d.lint.length) { sec.appendChild(el("h3", { text: "Superset config" })); d.lint.forEach(function (f) { sec.appendChild(finding(f)); }); }
      d.reports.forEach(function (r) {
        sec.appendChild(el("h3", { text: r.url + (r.status ? " — " + r.status : "") + (r.version ? " (Redis " + r.version + ")" : "") }));
        if (r.error) sec.appendChild(errorBox(r.error));
        (r.findings || []).forEach(function (f) { sec.appendChild(finding(f)); });
      });
      show(sec);
    }).catch(function (e) { show(errorBox(e.message)); });
  }

  function route() {
    clearInterval(state.timer);
    var parts = location.hash.replace(/^#\/?/, "").split("/");
    var page = parts[0] || "overview";
    ["overview", "keys", "doctor"].forEach(function (p) {
      document.getElementById("nav-" + p).className = p === page ? "active" : "";
    });
    if (page === "keys") return keysPage(parts[1] ? decodeURIComponent(parts[1]) : null);
    if (page === "doctor") return doctorPage();
    overview();
    state.timer = setInterval(function () { if (!document.hidden && !document.activeElement.matches("input")) overview(); }, 5000);
  }
  window.addEventListener("hashchange", route);
  route();
})();
`;
