// frontline map page: draws the data in #frontline-data with Leaflet.
// Every text from the data is inserted with textContent; only http(s) URLs
// become links. The page makes no request of its own (tiles only with a basemap).
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('frontline-data').textContent);
  var ui = data.ui || {};
  var SVGNS = 'http://www.w3.org/2000/svg';

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function safeUrl(s) {
    if (typeof s !== 'string') { return null; }
    try {
      var u = new URL(s.trim());
      return (u.protocol === 'http:' || u.protocol === 'https:') ? u.href : null;
    } catch (e) { return null; }
  }
  function link(text, url) {
    var href = safeUrl(url);
    if (!href) { return el('span', text); }
    var a = el('a', text || href);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    return a;
  }
  function row(dl, key, value) {
    if (value === undefined || value === null || value === '') { return; }
    dl.appendChild(el('dt', key));
    var dd = el('dd');
    dd.setAttribute('dir', 'auto');
    if (value instanceof Node) { dd.appendChild(value); } else { dd.textContent = String(value); }
    dl.appendChild(dd);
  }
  function hexColor(c) { return /^#[0-9a-fA-F]{6}$/.test(c) ? c : '#7f7f7f'; }

  var stops = data.stops;
  var current = data.as_of_key;

  function periodAt(zone, key) {
    for (var i = zone.periods.length - 1; i >= 0; i--) {
      var p = zone.periods[i];
      if (p.start_key <= key && (p.end_key === null || p.end_key > key)) { return p; }
    }
    return null;
  }
  function styleOf(p) {
    if (!p) {
      return { fillColor: '#bbbbbb', fillOpacity: 0.2, color: '#555555', weight: 1, dashArray: '2 3' };
    }
    var s = { fillColor: hexColor(p.fill), fillOpacity: p.opacity, color: '#333333', weight: 1, dashArray: null };
    if (p.status === 'contested' && p.pattern) { s.fillColor = 'url(#' + p.pattern + ')'; s.fillOpacity = 0.8; }
    if (p.status === 'claimed') { s.dashArray = '5 4'; s.weight = 2; s.color = hexColor(p.fill); }
    return s;
  }

  var map = L.map('map', { keyboard: true, zoomSnap: 0.25, renderer: L.svg({ padding: 0.5 }), preferCanvas: false });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com" target="_blank" rel="noopener noreferrer">Leaflet</a>');
  if (data.attribution) { map.attributionControl.addAttribution(escapeHtml(data.attribution)); }
  if (data.basemap && safeUrl(data.basemap.url.replace(/[{}]/g, ''))) {
    L.tileLayer(data.basemap.url, { maxZoom: 19, attribution: escapeHtml(data.basemap.attribution || '') }).addTo(map);
  }
  var b = data.bbox;
  map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [12, 12] });

  // zones
  var zoneLayers = [];
  data.zones.forEach(function (zone) {
    var layer = L.geoJSON(zone.geometry, { style: function () { return styleOf(periodAt(zone, current)); } });
    layer.bindPopup(function () { return zonePopup(zone); });
    layer.addTo(map);
    layer.eachLayer(function (l) {
      var path = l.getElement();
      if (!path) { return; }
      path.setAttribute('data-zone', zone.id);
      path.setAttribute('tabindex', '0');
      path.setAttribute('role', 'button');
      path.setAttribute('aria-label', zone.name);
      path.addEventListener('keydown', function (ev) {
        if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); layer.openPopup(l.getCenter()); }
      });
    });
    zoneLayers.push({ zone: zone, layer: layer });
  });

  function zonePopup(zone) {
    var p = periodAt(zone, current);
    var box = el('div', null, 'fl-popup');
    var h = el('h3', zone.name);
    h.setAttribute('dir', 'auto');
    box.appendChild(h);
    var dl = el('dl');
    if (p) {
      row(dl, ui.force, p.force_name || p.force);
      row(dl, ui.status, ui[p.status] || p.status);
      row(dl, ui.since, p.start);
      if (p.source || p.url) {
        row(dl, ui.source, safeUrl(p.url) ? link(p.source || p.url, p.url) : link(p.source, p.source));
      }
      row(dl, ui.note, p.note);
    } else {
      row(dl, ui.status, ui.unknown);
    }
    box.appendChild(dl);
    return box;
  }

  // hatch patterns for contested zones, in the SVG renderer's <defs>
  var svg = map.getPane('overlayPane').querySelector('svg');
  if (svg && data.patterns.length) {
    var defs = svg.querySelector('defs') || svg.insertBefore(document.createElementNS(SVGNS, 'defs'), svg.firstChild);
    data.patterns.forEach(function (pat) {
      var n = Math.max(pat.colors.length, 1), w = 6;
      var pe = document.createElementNS(SVGNS, 'pattern');
      pe.setAttribute('id', pat.id);
      pe.setAttribute('patternUnits', 'userSpaceOnUse');
      pe.setAttribute('width', String(n * w));
      pe.setAttribute('height', String(n * w));
      pe.setAttribute('patternTransform', 'rotate(45)');
      pat.colors.forEach(function (c, i) {
        var r = document.createElementNS(SVGNS, 'rect');
        r.setAttribute('x', String(i * w));
        r.setAttribute('width', String(w));
        r.setAttribute('height', String(n * w));
        r.setAttribute('fill', hexColor(c));
        pe.appendChild(r);
      });
      defs.appendChild(pe);
    });
  }

  // contact lines
  if (data.frontlines) {
    data.frontlines.forEach(function (line) {
      var l = L.geoJSON(line.geometry, { className: 'fl-frontline', style: { color: hexColor(line.stroke), weight: 4, opacity: 0.9 } });
      l.bindTooltip(function () { return el('span', line.forces); }, { sticky: true, direction: 'top' });
      l.addTo(map);
    });
  }

  // labels
  data.labels.forEach(function (lab) {
    var span = el('span', lab.name);
    span.setAttribute('dir', 'auto');
    L.marker([lab.lat, lab.lon], {
      icon: L.divIcon({ className: 'fl-label', html: span, iconSize: null }),
      interactive: false, keyboard: false
    }).addTo(map);
  });

  // incidents
  data.incidents.forEach(function (inc) {
    var c = hexColor(inc.color);
    var m = L.circleMarker([inc.lat, inc.lon], {
      radius: 6, color: c, weight: 2, fillColor: c,
      fillOpacity: inc.approximate ? 0 : 0.85, dashArray: inc.approximate ? '3 3' : null,
      className: 'fl-incident'
    });
    m.bindPopup(function () {
      var box = el('div', null, 'fl-popup');
      var dl = el('dl');
      inc.props.forEach(function (kv) {
        var u = safeUrl(kv[1]);
        row(dl, kv[0], u ? link(kv[1], u) : kv[1]);
      });
      if (inc.approximate) { row(dl, '', ui.approximate); }
      box.appendChild(dl);
      return box;
    });
    m.addTo(map);
  });

  // legend
  var legend = L.control({ position: 'bottomright' });
  legend.onAdd = function () {
    var d = el('details', null, 'fl-legend');
    d.open = !window.matchMedia('(max-width: 600px)').matches;
    d.appendChild(el('summary', ui.legend));
    var ul = el('ul');
    function item(label, swatch) {
      var li = el('li');
      li.appendChild(swatch);
      var t = el('span', label);
      t.setAttribute('dir', 'auto');
      li.appendChild(t);
      ul.appendChild(li);
      return li;
    }
    data.forces.forEach(function (f) {
      var s = el('span', null, 'fl-swatch');
      s.style.background = hexColor(f.color);
      item(f.name, s).setAttribute('data-force', f.id);
    });
    data.patterns.forEach(function (pat) {
      var s = el('span', null, 'fl-swatch');
      var stops = [];
      pat.colors.forEach(function (c, i) { stops.push(hexColor(c) + ' ' + (i * 4) + 'px ' + ((i + 1) * 4) + 'px'); });
      s.style.background = 'repeating-linear-gradient(45deg, ' + stops.join(', ') + ')';
      item(ui.contested, s);
    });
    var statuses = {};
    data.zones.forEach(function (z) { z.periods.forEach(function (p) { statuses[p.status] = true; }); });
    if (statuses.claimed) {
      var s2 = el('span', null, 'fl-swatch');
      s2.style.borderStyle = 'dashed';
      s2.style.opacity = '0.6';
      item(ui.claimed, s2);
    }
    d.appendChild(ul);
    if (data.frontlines && data.frontlines.length) {
      var ul3 = el('ul');
      var li3 = el('li');
      li3.appendChild(el('span', null, 'fl-line'));
      li3.appendChild(el('span', ui.frontlines));
      ul3.appendChild(li3);
      d.appendChild(ul3);
    }
    if (data.incident_types.length) {
      d.appendChild(el('h2', ui.incidents));
      var ul2 = el('ul');
      data.incident_types.forEach(function (t) {
        var li = el('li');
        var dot = el('span', null, 'fl-dot');
        dot.style.borderColor = hexColor(t[1]);
        dot.style.background = hexColor(t[1]);
        li.appendChild(dot);
        li.appendChild(el('span', t[0]));
        ul2.appendChild(li);
      });
      d.appendChild(ul2);
    }
    L.DomEvent.disableClickPropagation(d);
    L.DomEvent.disableScrollPropagation(d);
    return d;
  };
  legend.addTo(map);

  // time slider
  var slider = document.getElementById('fl-date');
  var out = document.getElementById('fl-date-label');
  var start = 0;
  stops.forEach(function (s, i) { if (s.key <= data.as_of_key) { start = i; } });
  slider.max = String(Math.max(stops.length - 1, 0));
  slider.value = String(start);
  function show(i) {
    var s = stops[i];
    if (!s) { return; }
    current = s.key;
    out.textContent = s.label;
    slider.setAttribute('aria-valuetext', s.label);
    zoneLayers.forEach(function (z) { z.layer.setStyle(styleOf(periodAt(z.zone, current))); });
  }
  slider.addEventListener('input', function () { show(parseInt(slider.value, 10)); });
  show(start);
  window.frontlineMap = { map: map, data: data, show: show };
  document.documentElement.setAttribute('data-ready', '1');
})();
