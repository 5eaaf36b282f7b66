// Opens the pages plainly wrote (see run.sh) in headless Chromium and checks
// what a reader does with them: search, filter by role, follow an anchor,
// print, hover a highlight. Also that nothing is fetched from anywhere, that
// hostile document text stays text, and that a screenshot shows something.
//
//   node test.mjs WORKDIR [SCREENSHOT.png]
//
// WORKDIR holds glossary.html, glossary.json and review.html. Prints one
// line per test, then `N passed, N failed`; exits 1 when any failed.

import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [workdir, screenshotCopy] = process.argv.slice(2);
if (!workdir) {
  console.error('usage: node test.mjs WORKDIR [SCREENSHOT.png]');
  process.exit(2);
}
const glossaryUrl = pathToFileURL(path.join(workdir, 'glossary.html')).href;
const reviewUrl = pathToFileURL(path.join(workdir, 'review.html')).href;
const glossary = JSON.parse(readFileSync(path.join(workdir, 'glossary.json'), 'utf8'));

let passed = 0;
let failed = 0;

async function test(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e && e.message ? e.message.split('\n')[0] : e}`);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

function equal(actual, expected, what) {
  assert(actual === expected, `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// Every request any page of ours makes, with the page it was made for.
const requests = [];
const pageErrors = [];

async function open(context, url) {
  const page = await context.newPage();
  page.on('request', (r) => requests.push({ page: url, url: r.url() }));
  page.on('pageerror', (e) => pageErrors.push(`${url}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`${url}: console: ${m.text()}`);
  });
  await page.goto(url);
  return page;
}

const visible = (page) => page.locator('section.term:not([hidden])').count();

let browser;
try {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
} catch (e) {
  console.log(`FAIL launch /usr/bin/chromium: ${e.message.split('\n')[0]}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 });
  const total = glossary.terms.length;
  const page = await open(context, glossaryUrl);

  await test('glossary shows every term, ready to search', async () => {
    assert(total > 50, `expected the bundled terms, got ${total}`);
    equal(await page.locator('section.term').count(), total, 'sections');
    equal(await visible(page), total, 'visible sections');
    equal(await page.locator('h1').textContent(), 'Glossary', 'h1');
    equal(await page.locator('#status').textContent(), `${total} of ${total} terms`, 'status');
    equal(await page.locator('section.term > h2').count(), total, 'a heading per term');
    assert(await page.locator('#controls').isVisible(), 'controls are shown once the script runs');
  });

  await test('search box is labelled and typing filters the list', async () => {
    equal(await page.locator('#search').evaluate((e) => e.labels[0].textContent), 'Search', 'label');
    const before = await visible(page);
    await page.locator('#search').pressSequentially('restocking');
    const after = await visible(page);
    assert(after > 0 && after < before, `visible ${before} -> ${after}`);
    const texts = await page.locator('section.term:not([hidden])').allTextContents();
    assert(texts.every((t) => t.toLowerCase().includes('restocking')), 'every shown term mentions it');
    equal(await page.locator('#status').textContent(), `${after} of ${total} terms`, 'status');
    await page.locator('#search').fill('zzqx no such term');
    equal(await visible(page), 0, 'visible for nonsense');
    assert(await page.locator('#none').isVisible(), '"no term matches" is shown');
    await page.locator('#search').fill('');
    equal(await visible(page), total, 'visible after clearing');
  });

  await test('picking a role shows only its terms', async () => {
    equal(await page.locator('#role').evaluate((e) => e.labels[0].textContent), 'Reader', 'label');
    for (const role of glossary.roles.map((r) => r.id)) {
      await page.locator('#role').selectOption(role);
      const expected = glossary.terms.filter((t) => role in t.roles).length;
      equal(await visible(page), expected, `terms for ${role}`);
      const roles = await page.locator('section.term:not([hidden])').evaluateAll((s) => s.map((e) => e.dataset.roles));
      assert(roles.every((r) => r.split(' ').includes(role)), `only ${role} terms`);
      const others = await page
        .locator('section.term:not([hidden]) li[data-role]:not([hidden])')
        .evaluateAll((l, r) => l.filter((e) => e.dataset.role !== r).length, role);
      equal(others, 0, 'lines for other roles shown');
    }
    await page.locator('#role').selectOption('');
    equal(await visible(page), total, 'visible with all roles');
  });

  await test('following an anchor targets and scrolls to its section', async () => {
    const slug = glossary.terms.some((t) => t.slug === 'ddp') ? 'ddp' : glossary.terms[Math.floor(total / 2)].slug;
    await page.goto(`${glossaryUrl}#${slug}`);
    const where = await page.evaluate(() => {
      const t = document.querySelector(':target');
      const r = t && t.getBoundingClientRect();
      return { id: t && t.id, top: r && r.top, scrollY: window.scrollY, height: window.innerHeight };
    });
    equal(where.id, slug, ':target');
    assert(where.scrollY > 0, 'the page scrolled');
    assert(where.top >= 0 && where.top < where.height / 2, `section top at ${where.top}px`);
    // A term's own heading link, and an anchor to a term the filter hides.
    const other = glossary.terms[total - 1].slug;
    await page.locator(`[id="${other}"] h2 a`).click();
    equal(await page.evaluate(() => location.hash), `#${other}`, 'hash after clicking a heading');
    await page.locator('#search').fill('zzqx no such term');
    await page.evaluate((s) => { location.hash = s; }, slug);
    await page.waitForFunction((s) => !document.getElementById(s).hidden, slug);
    equal(await visible(page), total, 'filters reset to show the target');
  });

  await test('print styles hide the controls and keep every shown term', async () => {
    await page.emulateMedia({ media: 'print' });
    equal(await page.locator('#controls').evaluate((e) => getComputedStyle(e).display), 'none', 'controls');
    equal(await page.locator('header').evaluate((e) => getComputedStyle(e).position), 'static', 'header');
    await page.emulateMedia({ media: 'screen' });
  });

  await test('text has sufficient contrast (WCAG AA, 4.5:1)', async () => {
    const ratios = await page.evaluate(() => {
      const lum = (c) => {
        const [r, g, b] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map((v) => {
          v = Number(v) / 255;
          return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const bg = lum(getComputedStyle(document.body).backgroundColor);
      const out = {};
      for (const sel of ['body', 'h2', '.variants', '.knows', '#status', '.explanation', 'label', 'a']) {
        const e = document.querySelector(sel);
        if (!e) continue;
        const fg = lum(getComputedStyle(e).color);
        out[sel] = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      }
      return out;
    });
    const low = Object.entries(ratios).filter(([, r]) => r < 4.5);
    assert(Object.keys(ratios).length >= 6, `checked ${Object.keys(ratios).join(', ')}`);
    assert(low.length === 0, `low contrast: ${JSON.stringify(low)}`);
  });

  let screenshot;
  await test('screenshot of the glossary is not blank', async () => {
    await page.goto(glossaryUrl);
    screenshot = await page.screenshot();
    writeFileSync(path.join(workdir, 'glossary.png'), screenshot);
    assert(screenshot.length > 10_000, `PNG is only ${screenshot.length} bytes`);
    // Decode the PNG in a blank page of its own and look at the pixels.
    const blank = await context.newPage();
    const stats = await blank.evaluate(async (dataUrl) => {
      const img = new Image();
      img.src = dataUrl;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const g = canvas.getContext('2d');
      g.drawImage(img, 0, 0);
      const px = g.getImageData(0, 0, img.width, img.height).data;
      const colors = new Set();
      let ink = 0;
      for (let i = 0; i < px.length; i += 4) {
        colors.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
        if (px[i] + px[i + 1] + px[i + 2] < 600) ink++;
      }
      return { width: img.width, height: img.height, colors: colors.size, ink: ink / (px.length / 4) };
    }, `data:image/png;base64,${screenshot.toString('base64')}`);
    await blank.close();
    equal(`${stats.width}x${stats.height}`, '1000x700', 'size');
    assert(stats.colors >= 16, `only ${stats.colors} distinct colours`);
    assert(stats.ink > 0.01 && stats.ink < 0.6, `${(stats.ink * 100).toFixed(1)}% of pixels are ink`);
  });

  const review = await open(context, reviewUrl);
  const dialogs = [];
  review.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });

  await test('review page highlights findings with each role\'s words', async () => {
    const marks = review.locator('mark');
    const n = await marks.count();
    assert(n > 5, `only ${n} highlights`);
    const titles = await marks.evaluateAll((m) => m.map((e) => e.title));
    assert(titles.every((t) => /^[a-z0-9-]+: \S/.test(t)), `titles like "finance: ...": ${titles[0]}`);
    const rows = await review.locator('header table.counts tbody tr').count();
    assert(rows >= 1, 'counts per role at the top');
    equal(await review.locator('aside.findings ol > li > a').count(), n, 'side-list entries');
    const first = await review.locator('aside.findings ol > li > a').first();
    const href = await first.getAttribute('href');
    await first.click();
    equal(await review.evaluate(() => location.hash), href, 'hash after following the side list');
    equal(await review.evaluate(() => document.querySelector(':target').tagName), 'MARK', ':target');
    await review.locator('mark').first().hover();
  });

  await test('review page shows hostile text escaped and runs nothing', async () => {
    await review.goto(reviewUrl);
    await review.locator('mark').last().hover();
    equal(await review.evaluate(() => document.scripts.length), 0, 'scripts');
    equal(await review.locator('[onmouseover], [onerror], img').count(), 0, 'injected attributes or elements');
    const text = await review.locator('body').innerText();
    for (const s of ['<script>alert(1)</script>', '"onmouseover="alert(2)', '<img src=x onerror=alert(3)>']) {
      assert(text.includes(s), `shows ${s} as text`);
    }
    equal(dialogs.length, 0, 'dialogs opened');
  });

  await test('no network request but the page itself', async () => {
    assert(requests.length >= 2, `saw ${requests.length} requests`);
    const strip = (u) => u.split('#')[0];
    const foreign = requests.filter((r) => strip(r.url) !== strip(r.page));
    assert(foreign.length === 0, `requested ${foreign.map((r) => r.url).join(', ')}`);
  });

  await test('no script errors', async () => {
    assert(pageErrors.length === 0, pageErrors.join('; '));
  });

  if (screenshot && screenshotCopy) {
    copyFileSync(path.join(workdir, 'glossary.png'), screenshotCopy);
    console.log(`(screenshot saved to ${screenshotCopy})`);
  }
} finally {
  await browser.close();
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
