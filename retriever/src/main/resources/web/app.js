// The retriever's page: text search → image grid, image upload → names, live status.
// Plain browser JavaScript against the public JSON API; no build step.
'use strict';

const $ = (id) => document.getElementById(id);

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = !message;
}

async function call(url, options) {
  const response = await fetch(url, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.error || (response.status + ' ' + response.statusText));
  }
  return body;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (v !== null && v !== undefined) node.setAttribute(k, v);
  });
  children.forEach((c) => node.append(c));
  return node;
}

async function searchText(event) {
  event.preventDefault();
  const text = $('query').value.trim();
  const grid = $('results');
  showError('');
  try {
    const answer = await call('/v1/search?k=12&text=' + encodeURIComponent(text));
    grid.replaceChildren(...answer.results.map((r, i) => {
      const card = el('div', { class: 'card' + (i === 0 ? ' best' : ''), 'data-id': r.id, 'data-rank': r.rank });
      if (r.image) card.append(el('img', { src: r.image, alt: r.name || r.id }));
      card.append(el('div', { class: 'name' }, r.name || r.id));
      card.append(el('div', { class: 'score' }, 'score ' + r.score.toFixed(3)));
      return card;
    }));
    $('text-meta').textContent = answer.results.length + ' results from model version ' + answer.version
      + ' in ' + answer.took_ms + ' ms';
    grid.dataset.version = answer.version;
  } catch (e) {
    grid.replaceChildren();
    $('text-meta').textContent = '';
    showError(e.message);
  }
}

async function searchImage() {
  const file = $('upload').files[0];
  if (!file) return;
  showError('');
  const preview = $('preview');
  preview.src = URL.createObjectURL(file);
  preview.hidden = false;
  const form = new FormData();
  form.append('file', file);
  const names = $('names');
  try {
    const answer = await call('/v1/search/image?k=10', { method: 'POST', body: form });
    names.replaceChildren(...answer.results.map((r) => el('li', { 'data-id': r.id },
      el('span', { class: 'name' }, r.name || r.id),
      el('span', { class: 'score' }, r.score.toFixed(3)))));
    $('image-meta').textContent = 'Closest names (model version ' + answer.version + ')';
    names.dataset.version = answer.version;
  } catch (e) {
    names.replaceChildren();
    $('image-meta').textContent = '';
    showError(e.message);
  }
}

async function refreshStatus() {
  try {
    const s = await call('/v1/status');
    $('status-dot').className = 'dot ' + (s.served ? 'up' : 'down');
    $('served-version').textContent = s.served ? s.served.version : 'none yet';
    $('served-items').textContent = s.served ? s.served.items + ' items' : '';
    const target = (s.versions || []).find((v) => v.version === s.target);
    $('target').textContent = s.served && s.target !== s.served.version
      ? 'building version ' + s.target + ': ' + Math.round(100 * (target ? target.coverage : 0)) + '% covered'
      : '';
    $('decision').textContent = s.caught_up ? '' : 'reading the embedding topics…';
  } catch (e) {
    $('status-dot').className = 'dot down';
    $('decision').textContent = 'status unavailable';
  }
}

$('text-form').addEventListener('submit', searchText);
$('upload').addEventListener('change', searchImage);
refreshStatus();
setInterval(refreshStatus, 2000);
