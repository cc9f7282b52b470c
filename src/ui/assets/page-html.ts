/** The inspector's only HTML page: a shell; app.js builds everything with textContent. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>superset-cache inspector</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header>
  <strong>superset-cache</strong>
  <nav>
    <a href="#/overview" id="nav-overview">Overview</a>
    <a href="#/keys" id="nav-keys">Keys</a>
    <a href="#/doctor" id="nav-doctor">Doctor</a>
  </nav>
  <span id="mode"></span>
</header>
<main id="main"><p>Loading…</p></main>
</body>
</html>
`;
