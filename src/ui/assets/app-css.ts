/** The inspector's stylesheet (plain CSS, no build step). */
export const APP_CSS = `
:root { --fg: #1d2733; --muted: #6b7785; --line: #d9dee4; --accent: #1f7a8c; --bad: #b3261e; --warn: #a15c00; --ok: #2e7d32; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: #f6f8fa; }
header { display: flex; gap: 24px; align-items: center; padding: 10px 20px; background: #102a43; color: #fff; }
header nav a { color: #cfe3ea; margin-right: 14px; text-decoration: none; }
header nav a.active { color: #fff; border-bottom: 2px solid #7fd1e3; }
#mode { margin-left: auto; font-size: 12px; color: #cfe3ea; }
main { padding: 16px 20px; }
h2 { margin: 4px 0 12px; font-size: 18px; }
h3 { margin: 14px 0 6px; font-size: 15px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 14px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; }
.card h3 { margin-top: 0; }
.muted { color: var(--muted); }
.metrics { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; margin: 8px 0; }
.metric b { display: block; font-size: 16px; }
.metric span { font-size: 11px; color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(2, 1fr); gap: 6px; }
.chart { font-size: 11px; color: var(--muted); }
.chart svg { width: 100%; height: 40px; background: #f3f6f9; border-radius: 3px; }
.chart polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; }
table { border-collapse: collapse; background: #fff; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; white-space: pre-wrap; word-break: break-all; max-width: 520px; }
th { background: #eef2f6; white-space: nowrap; }
#keys-table td:not(:first-child) { white-space: nowrap; }
th small { color: var(--muted); font-weight: normal; }
tr.key { cursor: pointer; }
tr.key:hover { background: #eef7fa; }
.toolbar { display: flex; gap: 8px; align-items: center; margin: 8px 0; flex-wrap: wrap; }
input, select, button { font: inherit; padding: 4px 8px; }
button { cursor: pointer; }
button.danger { color: var(--bad); }
pre { background: #fff; border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 480px; white-space: pre-wrap; word-break: break-all; }
.split { display: grid; grid-template-columns: minmax(380px, 1fr) 2fr; gap: 16px; align-items: start; }
.finding { border-left: 4px solid var(--line); }
.sev-critical { border-left-color: var(--bad); }
.sev-warning { border-left-color: var(--warn); }
.sev-info { border-left-color: var(--accent); }
.badge { font-size: 11px; padding: 1px 6px; border-radius: 8px; background: #e7ecf1; margin-right: 6px; }
.error { color: var(--bad); }
img.thumb { max-width: 100%; border: 1px solid var(--line); background: #fff; }
`;
