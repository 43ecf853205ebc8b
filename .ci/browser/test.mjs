// Headless-Chromium checks of frontline's published outputs.
//   node test.mjs DEMO_OUT XSS_OUT
// DEMO_OUT: the demo built with --format all --leaflet DIR (an offline page);
// XSS_OUT: a project whose names, notes and sources are script payloads.
// Driven from tests/integration/browser.rs. Prints one line per check and
// "N passed, N failed"; exits 1 on any failure.
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as topojson from 'topojson-client';

const [demoDir, xssDir] = process.argv.slice(2);
if (!demoDir || !xssDir) {
  console.error('usage: node test.mjs DEMO_OUT XSS_OUT');
  process.exit(2);
}
let passed = 0, failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name} ${detail}`); }
}
function note(text) { console.log(`note ${text}`); }

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'],
});

async function open(file, viewport = { width: 1200, height: 800 }) {
  const page = await browser.newPage({ viewport });
  const errors = [], requests = [], dialogs = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
  await page.goto(pathToFileURL(file).href);
  return { page, errors, requests, dialogs };
}

try {
  // ---- the demo page
  {
    const { page, errors, requests } = await open(join(demoDir, 'map.html'));
    await page.waitForSelector('html[data-ready="1"]', { timeout: 15000 });
    const data = await page.evaluate(() => window.frontlineMap.data);
    check('demo page loads without script errors', errors.length === 0, errors.join(' | '));
    check('demo page makes no network request', requests.length === 0, requests.join(' '));
    const zoneIds = await page.$$eval('path[data-zone]', (ps) => ps.map((p) => p.getAttribute('data-zone')));
    check('every zone is rendered as a path', data.zones.length > 0 && data.zones.every((z) => zoneIds.includes(z.id)),
      `${zoneIds.length} paths for ${data.zones.length} zones`);
    if (data.frontlines) {
      const n = await page.$$eval('path.fl-frontline', (ps) => ps.length);
      check('contact lines are drawn', data.frontlines.length > 0 && n === data.frontlines.length, `${n} of ${data.frontlines.length}`);
    } else {
      note('no frontlines layer in this build: contact-line check skipped');
    }
    const legend = await page.textContent('.fl-legend');
    check('legend lists every force', data.forces.length > 0 && data.forces.every((f) => legend.includes(f.name)),
      `legend: ${legend}`);
    const tay = data.zones.find((z) => z.id === 'al-tay');
    await page.dispatchEvent('path[data-zone="al-tay"]', 'click');
    const popup = await page.waitForSelector('.leaflet-popup-content', { timeout: 5000 }).then((e) => e.textContent());
    check('clicking a zone opens its popup', popup.includes(tay.name), popup);
    const links = await page.$$eval('.leaflet-popup-content a', (as) => as.map((a) => [a.protocol, a.rel]));
    check('popup source is an http(s) link with noopener', links.length > 0 && links.every(([p, r]) => /^https?:$/.test(p) && r.includes('noopener')), JSON.stringify(links));
    await page.keyboard.press('Escape');

    // slider: to a date before the capture, al-Tay shows the NDF's colour
    const ndf = data.forces.find((f) => f.id === 'ndf');
    const asayish = data.forces.find((f) => f.id === 'asayish');
    const fill = () => page.getAttribute('path[data-zone="al-tay"]', 'fill');
    check('al-Tay starts in the Asayish colour (as of D)', (await fill()) === asayish.color, await fill());
    let idx = 0;
    data.stops.forEach((s, i) => { if (s.key <= '2021-04-19T23:59:59') { idx = i; } });
    await page.fill('#fl-date', String(idx));
    check('slider to 2021-04-19 shows al-Tay in the NDF colour', (await fill()) === ndf.color, `${await fill()} vs ${ndf.color}`);
    const label = await page.textContent('#fl-date-label');
    check('slider label shows the date', label === data.stops[idx].label, label);
    const contested = data.stops.findIndex((s) => s.key.startsWith('2021-04-20'));
    await page.fill('#fl-date', String(contested));
    check('contested al-Tay is hatched', /^url\(#fl-hatch-\d+\)$/.test(await fill()), await fill());
    check('hatch pattern exists in the SVG defs', (await page.$$('svg defs pattern')).length === data.patterns.length);

    // keyboard: slider and zones are reachable
    await page.focus('#fl-date');
    await page.keyboard.press('End');
    check('slider works from the keyboard', (await page.inputValue('#fl-date')) === String(data.stops.length - 1));
    const tabbable = await page.$$eval('path[data-zone]', (ps) => ps.every((p) => p.tabIndex === 0));
    check('zones are keyboard focusable', tabbable);
    await page.focus('path[data-zone="kilo"]');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    const kiloPopup = (await page.$$eval('.leaflet-popup-content', (e) => e.map((x) => x.textContent))).join(' / ');
    check('Enter on a focused zone opens its popup', kiloPopup.includes(data.zones.find((z) => z.id === 'kilo').name), kiloPopup);

    // responsive: a phone-width viewport still shows the map, legend collapsed
    await page.setViewportSize({ width: 375, height: 667 });
    await page.reload();
    await page.waitForSelector('html[data-ready="1"]');
    const mapBox = await page.$eval('#map', (m) => m.getBoundingClientRect().toJSON());
    const legendOpen = await page.$eval('.fl-legend', (d) => d.open);
    check('phone width: map fills the screen, legend collapsed', mapBox.width >= 370 && mapBox.height > 400 && !legendOpen,
      JSON.stringify(mapBox));
    await page.close();
  }

  // ---- right to left
  {
    const { page, errors } = await open(join(demoDir, 'rtl', 'map.html'));
    await page.waitForSelector('html[data-ready="1"]', { timeout: 15000 });
    const attrs = await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
    const data = await page.evaluate(() => window.frontlineMap.data);
    const labels = await page.$$eval('.fl-label span', (s) => s.map((x) => x.textContent));
    check('--lang ckb: page is right to left with Sorani labels', attrs[0] === 'ckb' && attrs[1] === 'rtl' && errors.length === 0 &&
      labels.some((l) => /[\u0600-\u06FF]/.test(l)), `${attrs} ${labels.slice(0, 3)}`);
    const legend = await page.textContent('.fl-legend');
    check('--lang ckb: legend uses the forces\' Sorani names', data.forces.every((f) => legend.includes(f.name)), legend);
    await page.close();
  }

  // ---- the XSS corpus page
  {
    const { page, errors, dialogs } = await open(join(xssDir, 'map.html'));
    await page.waitForSelector('html[data-ready="1"]', { timeout: 15000 });
    const data = await page.evaluate(() => window.frontlineMap.data);
    // open every popup so that every text from the data is inserted
    for (const z of data.zones) {
      await page.evaluate((id) => {
        const p = document.querySelector(`path[data-zone="${CSS.escape(id)}"]`);
        p.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      }, z.id);
    }
    const markers = await page.$$('path.fl-incident');
    for (const m of markers) { await m.click({ force: true }).catch(() => {}); }
    for (let i = 0; i < data.stops.length; i++) { await page.fill('#fl-date', String(i)); }
    await page.mouse.move(600, 400);
    await page.waitForTimeout(200);
    const pwned = await page.evaluate(() => window.__pwned);
    check('XSS corpus: no injected script ran', pwned === undefined && dialogs.length === 0, `pwned=${pwned} dialogs=${dialogs}`);
    const bad = await page.$$eval('.leaflet-popup-content a[href], .leaflet-control-attribution a[href], .fl-legend a[href]', (as) => as.map((a) => a.href).filter((h) => !/^https?:/.test(h)));
    check('XSS corpus: only http(s) links', bad.length === 0, bad.join(' '));
    const scripts = await page.$$eval('script', (s) => s.length);
    const handlers = await page.$$eval('*', (els) => els.filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length);
    check('XSS corpus: no extra script elements or event-handler attributes', scripts === 3 && handlers === 0, `scripts=${scripts} handlers=${handlers}`);
    const shown = await page.textContent('body');
    check('XSS corpus: payloads are shown as text', shown.includes('<script>window.__pwned=1</script>'), '');
    check('XSS corpus: no script errors', errors.length === 0, errors.join(' | '));
    await page.close();
  }

  // ---- SVG renders
  for (const [name, dir] of [['demo', demoDir], ['xss', xssDir], ['rtl', join(demoDir, 'rtl')]]) {
    const { page, errors, dialogs } = await open(join(dir, 'map.svg'));
    const ok = await page.evaluate(() => {
      const root = document.documentElement;
      const err = document.querySelector('parsererror');
      const zones = document.querySelectorAll('#zones path').length;
      const box = document.getElementById('zones').getBBox();
      return root.tagName === 'svg' && !err && zones > 0 && box.width > 100 && box.height > 100;
    });
    const pwned = await page.evaluate(() => window.__pwned);
    check(`${name} SVG renders in Chromium`, ok && errors.length === 0 && dialogs.length === 0 && pwned === undefined, errors.join(' | '));
    await page.close();
  }

  // ---- TopoJSON decodes back to the GeoJSON's features
  for (const f of readdirSync(demoDir).filter((f) => f.endsWith('.topojson'))) {
    const layer = f.replace(/\.topojson$/, '');
    const topo = JSON.parse(readFileSync(join(demoDir, f), 'utf8'));
    const geo = JSON.parse(readFileSync(join(demoDir, `${layer}.geojson`), 'utf8'));
    const fc = topojson.feature(topo, topo.objects[layer]);
    const same = fc.features.length === geo.features.length && fc.features.every((g, i) => {
      const o = geo.features[i];
      if (g.id !== o.id || JSON.stringify(g.properties) !== JSON.stringify(o.properties)) { return false; }
      if ((g.geometry === null) !== (o.geometry === null)) { return false; }
      if (!g.geometry) { return true; }
      const bb = (geom) => {
        const b = [Infinity, Infinity, -Infinity, -Infinity];
        const walk = (c) => { if (typeof c[0] === 'number') { b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]); } else { c.forEach(walk); } };
        walk(geom.coordinates);
        return b;
      };
      const [a, b] = [bb(g.geometry), bb(o.geometry)];
      return a.every((v, k) => Math.abs(v - b[k]) < 1e-4);
    });
    check(`${f} decodes (topojson-client) to the same features and properties as ${layer}.geojson`, same);
  }
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
