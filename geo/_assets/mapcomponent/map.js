/* The Carbon-Peak Project Map: a Streamlit component (protocol of streamlit-component-lib, by
 * postMessage) drawing Leaflet. Every string from the data is set with textContent or handed to
 * Leaflet as a DOM node: nothing from the data is ever parsed as HTML or as a template.
 *
 * Python sends the compact data once per page (args.data: UTF-8 JSON bytes, parsed here) and, on
 * every rerun, a visibility mask, colour indices, labels, the basemap and the selected project.
 * Loading the data reports nothing (no rerun): only a page that lacks the data asks for it, with
 * a new "ask" in its value, and then says which version it holds once loaded. The map, its zoom, pan and
 * layer choices live as long as this page: a filter change only redraws which markers show.
 *
 * Linear works with a schematic line (data.lines) are drawn as SVG polylines over the markers: a
 * line shows, hides and takes its colour with its project (the same mask and colour index).
 * Division count badges that would overlap on screen are merged into the largest of them (its
 * count, tooltip and list then hold every merged division), so no badge hides another.
 *
 * Two renderers of the point projects: up to SUPER_ABOVE of them, Leaflet.markercluster (spiderfy,
 * chunked loading); above it (a national catalogue) supercluster: the shown points are indexed
 * once per filter change and only the clusters and points of the view are drawn, on every
 * moveend, as canvas circle markers and small count icons (no marker per project in the DOM).
 */
(function () {
  "use strict";

  function send(type, data) {
    window.parent.postMessage(Object.assign({isStreamlitMessage: true, type: type}, data), "*");
  }

  var map = L.map("map", {preferCanvas: true, zoomControl: true, minZoom: 3, maxZoom: 18});
  map.setView([30.0, 112.0], 6);
  L.control.scale({imperial: false}).addTo(map);
  map.createPane("cpm-boundaries").style.zIndex = 350;
  map.createPane("cpm-areas").style.zIndex = 360;
  map.createPane("cpm-lines").style.zIndex = 450;  // over the markers' canvas, which takes every pointer event
  map.createPane("cpm-selected").style.zIndex = 650;
  map.getPane("cpm-boundaries").style.pointerEvents = "none";
  map.getPane("cpm-selected").style.pointerEvents = "none";
  var canvas = L.canvas({padding: 0.3});
  var lineRenderer = L.svg({pane: "cpm-lines", padding: 0.3});
  var selectedRenderer = L.svg({pane: "cpm-selected", padding: 0.3});

  var state = {
    version: null, rows: [], ids: {}, markers: [], shown: null, colours: null, palette: [], labels: null,
    lang: null, fitKey: null, tilesKey: null, tileLayers: [], selected: null, boundaries: null,
    areaLayers: {}, legend: null, control: null, value: {have: null, click: null, seq: 0, ask: null}, asks: 0, asked: false,
    renders: 0, drawn: 0, loading: 0,
    lines: [], highlights: [], pendingReveal: null, mode: "cluster", index: null, drawnItems: [],
    args: null, fillHeight: null,
  };
  //: above this many point projects the map draws with supercluster instead of markercluster
  var SUPER_ABOVE = 20000, SUPER_RADIUS = 40;
  var F = {id: 0, lon: 1, lat: 2, category: 3, status: 4, precision: 5, name_zh: 6, name_en: 7, power: 8, area: 9};

  var cluster = L.markerClusterGroup({
    chunkedLoading: true, chunkInterval: 150, chunkDelay: 20, maxClusterRadius: 40, showCoverageOnHover: false,
    spiderfyOnMaxZoom: true, removeOutsideVisibleBounds: true,
    chunkProgress: function (processed, total) {
      if (processed !== total) { return; }
      if (state.loading > 0) { state.loading -= 1; }
      // a filter change while chunks were still being added cannot take out the markers not yet
      // added (markercluster skips them), so the cluster is reconciled with the mask at the end
      if (state.loading === 0) { reconcile(); }
      if (state.loading === 0) { state.drawn = state.renders; }
    },
  });
  var areaGroup = L.layerGroup();
  var boundaryGroup = L.layerGroup();
  var lineGroup = L.layerGroup();
  var superGroup = L.layerGroup();  // supercluster mode: the clusters and points of the view
  cluster.addTo(map);
  areaGroup.addTo(map);
  boundaryGroup.addTo(map);
  lineGroup.addTo(map);

  // what tests and the bench read: the time this page was loaded survives every rerun
  window.cpm = {
    map: map, cluster: cluster, loadedAt: Date.now(), state: state,
    visibleIds: function () {
      var out = [];
      if (!state.shown) { return out; }
      for (var i = 0; i < state.rows.length; i++) { if (state.shown[i]) { out.push(state.rows[i][F.id]); } }
      return out;
    },
    markerOf: function (id) { var i = state.ids[id]; return i === undefined ? null : state.markers[i]; },
    lineOf: function (id) { var i = state.ids[id]; return i === undefined ? null : state.lines[i] || null; },
    areaBadge: function (adcode) { var a = state.areaLayers[adcode]; return a ? a.badge : null; },
    lineGroup: lineGroup, superGroup: superGroup,
    // supercluster mode: what the view shows, [{cluster: bool, count, lat, lng, id (a point's project)}]
    drawnItems: function () { return state.drawnItems; },
  };

  function report() {
    send("streamlit:setComponentValue", {value: state.value, dataType: "json"});
  }

  function bytes(b64) {
    var raw = atob(b64 || ""), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  function radius(power) {
    if (power === null || !(power > 0)) { return 4; }
    return Math.round(Math.min(24, 4 + 0.6 * Math.sqrt(power)) * 100) / 100;
  }

  function nameOf(row) {
    return state.lang === "en" && row[F.name_en] ? row[F.name_en] : row[F.name_zh];
  }

  function detailOf(row) {
    var L_ = state.labels, parts = [L_.category[row[F.category]], L_.status[row[F.status]]];
    if (row[F.power]) { parts.push(row[F.power] + " MW"); }
    parts.push(L_.precision[row[F.precision]]);
    return parts.join(" · ");
  }

  function tipFor(i) {
    var row = state.rows[i], box = document.createElement("div"), title = document.createElement("strong");
    var line = document.createElement("div");
    title.textContent = nameOf(row);
    line.textContent = detailOf(row);
    box.appendChild(title);
    box.appendChild(line);
    return box;
  }

  function choose(i) {
    state.value = {have: state.version, click: state.rows[i][F.id], seq: state.value.seq + 1, ask: state.value.ask};
    report();
  }

  // the data arrives as UTF-8 JSON bytes (a binary argument); JSON stays data, never code
  function parsed(data) {
    return ArrayBuffer.isView(data) ? JSON.parse(new TextDecoder("utf-8").decode(data)) : data;
  }

  function load(data) {
    cluster.clearLayers();
    areaGroup.clearLayers();
    boundaryGroup.clearLayers();
    lineGroup.clearLayers();
    state.version = data.v;
    state.vocab = data.vocab;
    state.rows = data.p;
    state.ids = {};
    state.markers = new Array(data.p.length);
    state.shown = new Uint8Array(data.p.length);
    state.areaLayers = {};
    state.divisions = data.divisions;
    state.index = null;
    state.drawnItems = [];
    superGroup.clearLayers();
    var points = 0;
    for (var j = 0; j < data.p.length; j++) { if (!data.p[j][F.area]) { points += 1; } }
    setMode(points > SUPER_ABOVE ? "super" : "cluster");
    for (var i = 0; i < data.p.length; i++) {
      var row = data.p[i];
      state.ids[row[F.id]] = i;
      if (row[F.area] || state.mode === "super") { continue; }  // an area: drawn as its division, with a count
      var precision = data.vocab.precision[row[F.precision]];
      var m = L.circleMarker([row[F.lat], row[F.lon]], {
        renderer: canvas, radius: radius(row[F.power]), weight: 1, opacity: 0.95,
        fillOpacity: precision === "town" || precision === "corridor" ? 0.45 : 0.85,
      });
      m._cpm = i;
      state.markers[i] = m;
    }
    state.lines = new Array(data.p.length);
    (data.lines || []).forEach(function (entry) { state.lines[entry[0]] = lineFor(entry[0], entry[1]); });
    Object.keys(data.divisions).sort().forEach(function (adcode) {
      var d = data.divisions[adcode], county = d.level === "county";
      L.geoJSON({type: "Feature", properties: {}, geometry: d.geometry}, {
        pane: "cpm-boundaries", interactive: false,
        style: county ? {color: "#607d8b", weight: 1, fill: false, dashArray: "2 4"}
                      : {color: "#37474f", weight: 2.5, fill: false},
      }).addTo(boundaryGroup);
    });
    state.fitKey = null;
    state.selected = null;
  }

  function latLngsOf(flat) {
    var out = [];
    for (var k = 0; k + 1 < flat.length; k += 2) { out.push([flat[k + 1], flat[k]]); }
    return out;
  }

  // a linear work's schematic line: its tooltip is built with textContent when it opens
  function lineFor(i, flat) {
    var line = L.polyline(latLngsOf(flat), {renderer: lineRenderer, pane: "cpm-lines", weight: 4, opacity: 0.9,
                                            lineCap: "round", className: "cpm-line"});
    line._cpm = i;
    line.bindTooltip(function () { return tipFor(i); }, {sticky: true, className: "cpm-tip"});
    line.on("click", function () { choose(i); });
    line.on("add", function () { line.getElement().setAttribute("data-cpm", state.rows[i][F.id]); });
    return line;
  }

  cluster.on("mouseover", function (e) {
    var m = e.layer;
    if (m._cpm === undefined || m.getTooltip()) { return; }
    m.bindTooltip(tipFor(m._cpm), {sticky: true, className: "cpm-tip"});
    m.openTooltip(e.latlng);
  });
  cluster.on("click", function (e) { if (e.layer._cpm !== undefined) { choose(e.layer._cpm); } });

  function restyle(colours, palette) {
    for (var i = 0; i < state.markers.length; i++) {
      var m = state.markers[i];
      if (!m) { continue; }
      var c = palette[colours[i]] || "#9e9e9e";
      if (m.options.color !== c) { m.setStyle({color: c, fillColor: c}); }
    }
    for (var j = 0; j < state.lines.length; j++) {
      var line = state.lines[j];
      if (!line) { continue; }
      var lc = palette[colours[j]] || "#9e9e9e";
      if (line.options.color !== lc) { line.setStyle({color: lc}); }
    }
  }

  function showMask(mask) {
    var add = [], remove = [], shown = state.shown, visible = 0;
    for (var i = 0; i < state.rows.length; i++) {
      var on = (mask[i >> 3] >> (i & 7)) & 1;
      visible += on;
      var m = state.markers[i], line = state.lines[i];
      if (m && on !== shown[i]) { (on ? add : remove).push(m); }
      if (line && on !== shown[i]) { if (on) { lineGroup.addLayer(line); } else { lineGroup.removeLayer(line); } }
      shown[i] = on;
    }
    if (state.mode === "super") {  // index the shown points, draw the view: no work per marker
      superIndex();
      state.drawn = state.renders;
      drawAreas();
      return visible;
    }
    if (remove.length) { cluster.removeLayers(remove); }
    // drawn once every chunked load has finished (a render that adds nothing while one is still
    // running is not drawn yet); without the cluster on the map markercluster only queues them
    var queued = !cluster._map;
    if (add.length) {
      if (!queued) { state.loading += 1; }
      cluster.addLayers(add);
    }
    if (state.loading === 0) { state.drawn = state.renders; }
    drawAreas();
    return visible;
  }

  // the cluster holds exactly the shown markers (what is missing is added as another chunked load)
  function reconcile() {
    if (state.mode !== "cluster" || !cluster._map) { return; }
    var add = [], remove = [];
    for (var i = 0; i < state.markers.length; i++) {
      var m = state.markers[i];
      if (!m) { continue; }
      var has = cluster.hasLayer(m);
      if (state.shown[i] && !has) { add.push(m); } else if (!state.shown[i] && has) { remove.push(m); }
    }
    if (remove.length) { cluster.removeLayers(remove); }
    if (add.length) { state.loading += 1; cluster.addLayers(add); }
  }
  window.cpm.reconcile = reconcile;

  // ---- supercluster mode: catalogues of more than SUPER_ABOVE point projects ----
  function setMode(mode) {
    if (mode === state.mode) { return; }
    state.mode = mode;
    var on = mode === "super" ? superGroup : cluster, off = mode === "super" ? cluster : superGroup;
    if (map.hasLayer(off)) { map.removeLayer(off); }
    if (!map.hasLayer(on)) { map.addLayer(on); }
    if (state.labels) { setControl(state.labels); }
  }

  function superIndex() {
    var features = [];
    for (var i = 0; i < state.rows.length; i++) {
      var row = state.rows[i];
      if (state.shown[i] && !row[F.area]) {
        features.push({type: "Feature", properties: {i: i}, geometry: {type: "Point", coordinates: [row[F.lon], row[F.lat]]}});
      }
    }
    // extent 256: supercluster's pixels are then Leaflet's (256 px tiles), the radius is on screen
    // clusters up to the zoom below the map's last one: at the last zoom every point is its own
    // (points a few metres apart never hide each other in a cluster that cannot split)
    state.index = new Supercluster({radius: SUPER_RADIUS, extent: 256, maxZoom: map.getMaxZoom() - 1}).load(features);
    drawSuper();
  }

  function clusterIcon(n) {
    var box = document.createElement("div"), span = document.createElement("span"), digits = String(n).length;
    span.textContent = String(n);
    box.appendChild(span);
    var size = n < 10 ? "small" : n < 100 ? "medium" : "large", width = Math.max(40, 18 + 8 * digits);
    return L.divIcon({html: box, className: "marker-cluster marker-cluster-" + size + " cpm-super",
                      iconSize: [width, 40]});
  }

  function superCluster(f, latlng) {
    var id = f.properties.cluster_id, m = L.marker(latlng, {icon: clusterIcon(f.properties.point_count), keyboard: false});
    m.on("click", function () {
      var zoom = state.index.getClusterExpansionZoom(id);
      if (zoom > map.getMaxZoom() || map.getZoom() >= map.getMaxZoom()) {
        // projects on one point, never split: choose the first, the card's stack list offers the others
        choose(state.index.getLeaves(id, 1)[0].properties.i);
      } else {
        map.setView(latlng, zoom, {animate: false});
      }
    });
    return m;
  }

  // projects on one coordinate at the last zoom: one marker with their count; a click chooses the
  // first, the card's list of projects on the same point offers the others
  function superStack(members, latlng) {
    var m = L.marker(latlng, {icon: clusterIcon(members.length), keyboard: false});
    m.on("click", function () { choose(members[0]); });
    return m;
  }

  function superPoint(i, latlng) {
    var row = state.rows[i], c = state.palette[state.colours[i]] || "#9e9e9e";
    var precision = state.vocab.precision[row[F.precision]];
    var m = L.circleMarker(latlng, {
      renderer: canvas, radius: radius(row[F.power]), weight: 1, opacity: 0.95, color: c, fillColor: c,
      fillOpacity: precision === "town" || precision === "corridor" ? 0.45 : 0.85,
    });
    m._cpm = i;
    m.on("mouseover", function (e) {
      if (!m.getTooltip()) { m.bindTooltip(tipFor(i), {sticky: true, className: "cpm-tip"}); }
      m.openTooltip(e.latlng);
    });
    m.on("click", function () { choose(i); });
    return m;
  }

  // the clusters and points of the view (a little beyond it), at the map's zoom
  function drawSuper() {
    if (state.mode !== "super" || !state.index) { return; }
    superGroup.clearLayers();
    state.drawnItems = [];
    var b = map.getBounds().pad(0.05), zoom = Math.round(map.getZoom());
    var bbox = [Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()), Math.min(180, b.getEast()),
                Math.min(85, b.getNorth())];
    if (!(bbox[2] > bbox[0] && bbox[3] > bbox[1])) { return; }
    var stacks = {}, keys = [];  // at the last zoom: the points, grouped by their exact coordinate
    state.index.getClusters(bbox, zoom).forEach(function (f) {
      var c = f.geometry.coordinates, latlng = L.latLng(c[1], c[0]), p = f.properties;
      if (p.cluster) {
        superGroup.addLayer(superCluster(f, latlng));
        state.drawnItems.push({cluster: true, count: p.point_count, lat: c[1], lng: c[0], id: null});
      } else {
        var key = c[0] + "," + c[1];
        if (!stacks[key]) { stacks[key] = []; keys.push(key); }
        stacks[key].push(p.i);
      }
    });
    keys.forEach(function (key) {
      var members = stacks[key], row = state.rows[members[0]], latlng = L.latLng(row[F.lat], row[F.lon]);
      if (members.length > 1) {
        superGroup.addLayer(superStack(members, latlng));
        state.drawnItems.push({cluster: true, count: members.length, lat: row[F.lat], lng: row[F.lon], id: null});
      } else {
        superGroup.addLayer(superPoint(members[0], latlng));
        state.drawnItems.push({cluster: false, count: 1, lat: row[F.lat], lng: row[F.lon], id: row[F.id]});
      }
    });
  }
  map.on("moveend", drawSuper);

  function divisionNames(adcodes) {
    return adcodes.map(function (a) { return state.divisions[a].name_zh; }).join(state.lang === "en" ? ", " : "、");
  }

  function areaText(entry) {
    return entry.shownMembers.length + " " + state.labels.in_area + " " + divisionNames(entry.shownAdcodes);
  }

  function areaPopup(entry) {
    var box = document.createElement("div"), head = document.createElement("strong"), list = document.createElement("ul");
    head.textContent = areaText(entry);
    list.className = "cpm-list";
    entry.shownMembers.forEach(function (i) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.textContent = nameOf(state.rows[i]);
      a.title = detailOf(state.rows[i]);
      a.addEventListener("click", function () { choose(i); });
      li.appendChild(a);
      list.appendChild(li);
    });
    box.appendChild(head);
    box.appendChild(list);
    return box;
  }

  function drawAreas() {
    var members = {};
    for (var i = 0; i < state.rows.length; i++) {
      var a = state.rows[i][F.area];
      if (a && state.shown[i]) { (members[a] = members[a] || []).push(i); }
    }
    Object.keys(state.areaLayers).forEach(function (adcode) {
      if (!members[adcode]) { areaGroup.removeLayer(state.areaLayers[adcode].group); delete state.areaLayers[adcode]; }
    });
    Object.keys(members).forEach(function (adcode) {
      var list = members[adcode], d = state.divisions[adcode], region = d.level === "region";
      var first = state.rows[list[0]], entry = state.areaLayers[adcode];
      var colour = state.palette[state.colours[list[0]]] || "#607d8b";
      if (!entry) {
        var shape = L.geoJSON({type: "Feature", properties: {}, geometry: d.geometry}, {
          pane: "cpm-areas", interactive: false,
          style: {stroke: false, fill: true, fillColor: colour, fillOpacity: region ? 0.06 : 0.14},
        });
        var label = document.createElement("div");
        var badge = L.marker([first[F.lat], first[F.lon]], {
          icon: L.divIcon({html: label, className: "cpm-area-badge" + (region ? " region" : ""), iconSize: [28, BADGE_H]}),
          keyboard: false, riseOnHover: true,
        });
        entry = {adcode: adcode, region: region, group: L.layerGroup([shape, badge]), shape: shape, badge: badge,
                 label: label, width: 28};
        badge.bindTooltip(function () {
          var tip = document.createElement("div");
          tip.textContent = areaText(entry);
          return tip;
        }, {className: "cpm-tip"});
        badge.on("click", function () { badge.bindPopup(areaPopup(entry), {maxWidth: 320}).openPopup(); });
        state.areaLayers[adcode] = entry;
        areaGroup.addLayer(entry.group);
      }
      entry.members = list;
      entry.shape.setStyle({fillColor: colour});
    });
    declutter();
  }

  // Badges are boxes of one size (wide enough for the largest possible count) centred on their
  // points. Largest count first, a badge whose box meets a kept one's is merged into it: the kept
  // badge then counts, names and lists the members of both, and the merged one is taken off the map.
  var BADGE_H = 22, BADGE_GAP = 2;
  function declutter() {
    var entries = Object.keys(state.areaLayers).sort().map(function (a) { return state.areaLayers[a]; });
    var total = 0;
    entries.forEach(function (e) { total += e.members.length; });
    var width = 14 + 7 * String(Math.max(total, 1)).length, sized = map.getSize().x > 50 && map.getSize().y > 50;
    entries.sort(function (a, b) { return b.members.length - a.members.length; });  // stable: ties by adcode
    var kept = [];
    entries.forEach(function (e) {
      e.shownMembers = e.members.slice();
      e.shownAdcodes = [e.adcode];
      var p = sized ? map.latLngToContainerPoint(e.badge.getLatLng()) : null, host = null;
      for (var k = 0; p && k < kept.length; k++) {
        var q = kept[k].point;
        if (Math.abs(p.x - q.x) < width + BADGE_GAP && Math.abs(p.y - q.y) < BADGE_H + BADGE_GAP) { host = kept[k]; break; }
      }
      e.mergedInto = host ? host.entry.adcode : null;
      if (host) {
        host.entry.shownMembers = host.entry.shownMembers.concat(e.members);
        host.entry.shownAdcodes.push(e.adcode);
        if (e.group.hasLayer(e.badge)) { e.group.removeLayer(e.badge); }
      } else {
        kept.push({entry: e, point: p});
      }
    });
    kept.forEach(function (k) {
      var e = k.entry;
      if (e.width !== width) {
        e.width = width;
        e.badge.setIcon(L.divIcon({html: e.label, iconSize: [width, BADGE_H],
                                   className: "cpm-area-badge" + (e.region ? " region" : "")}));
      }
      e.label.textContent = String(e.shownMembers.length);
      if (!e.group.hasLayer(e.badge)) { e.group.addLayer(e.badge); }
    });
  }
  map.on("zoomend", function () { if (state.rows.length) { declutter(); } });

  function setTiles(tiles) {
    var key = tiles ? tiles.url : "none";
    if (key === state.tilesKey) { return; }
    state.tilesKey = key;
    state.tileLayers.forEach(function (t) { map.removeLayer(t); });
    state.tileLayers = [];
    if (!tiles) { return; }
    // the attribution is the project's own constant (not data); Leaflet shows it as HTML
    state.tileLayers.push(L.tileLayer(tiles.url, {attribution: tiles.attribution, subdomains: tiles.subdomains,
                                                  maxZoom: 18}).addTo(map));
    if (tiles.labels) {
      state.tileLayers.push(L.tileLayer(tiles.labels, {subdomains: tiles.subdomains, maxZoom: 18}).addTo(map));
    }
    state.tileLayers.forEach(function (t) { t.bringToBack(); });
  }

  function swatch(style) {
    var s = document.createElement("span");
    s.className = "cpm-swatch";
    Object.keys(style).forEach(function (k) { s.style[k] = style[k]; });
    return s;
  }

  function row(box, sw, text) {
    var div = document.createElement("div"), span = document.createElement("span");
    div.className = "row";
    span.textContent = text;
    div.appendChild(sw);
    div.appendChild(span);
    box.appendChild(div);
  }

  var Legend = L.Control.extend({
    options: {position: "topright"},
    onAdd: function () {
      var box = L.DomUtil.create("details", "cpm-legend");  // collapsed until the planner opens it
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      this.box = box;
      return box;
    },
    fill: function (items, labels) {
      var box = this.box, open = box.open;
      while (box.firstChild) { box.removeChild(box.firstChild); }
      var summary = document.createElement("summary");
      summary.textContent = labels.legend;
      box.appendChild(summary);
      items.forEach(function (item) { row(box, swatch({background: item[1]}), item[0]); });
      box.appendChild(document.createElement("hr"));
      row(box, swatch({background: "#555"}), labels.filled);
      row(box, swatch({background: "rgba(85,85,85,.45)", border: "1px solid #555"}), labels.half);
      var area = swatch({background: "rgba(55,71,79,.85)", borderRadius: "2px"});
      row(box, area, labels.area);
      row(box, swatch({background: "#555", height: "3px", borderRadius: "0"}), labels.line);
      row(box, swatch({background: "rgba(110,204,57,.8)"}), labels.cluster);
      var size = document.createElement("div");
      size.textContent = labels.size;
      box.appendChild(size);
      box.open = open;
    },
  });
  var legend = new Legend().addTo(map);

  function setControl(labels) {
    if (state.control) { map.removeControl(state.control); }
    var overlays = {};
    // the names are the interface's own words; Leaflet's layer control writes them as HTML
    overlays[labels.projects] = state.mode === "super" ? superGroup : cluster;
    overlays[labels.areas] = areaGroup;
    overlays[labels.lines] = lineGroup;
    overlays[labels.boundaries] = boundaryGroup;
    state.control = L.control.layers(null, overlays, {collapsed: true, position: "topleft"}).addTo(map);
  }

  function select(id) {
    if (id === state.selected) { return; }
    state.selected = id;
    state.highlights.forEach(function (h) { map.removeLayer(h); });
    state.highlights = [];
    state.pendingReveal = null;
    var i = id === null || id === undefined ? undefined : state.ids[id];
    if (i === undefined) { return; }
    var row = state.rows[i], latlng = L.latLng(row[F.lat], row[F.lon]), line = state.lines[i];
    var style = {renderer: selectedRenderer, pane: "cpm-selected", color: "#ff1744", interactive: false,
                 className: "cpm-highlight"};
    if (line) {  // the whole line, under a wide halo
      state.highlights.push(L.polyline(line.getLatLngs(), L.extend({}, style, {weight: 10, opacity: 0.45}))
        .addTo(map));
    }
    state.highlights.push(L.circleMarker(latlng, L.extend({}, style, {radius: radius(row[F.power]) + 7, weight: 3,
                                                                     fill: false})).addTo(map));
    var m = state.markers[i];
    if (!sized()) {  // a hidden tab: centre it now, reveal it once the map has a size
      map.setView(latlng, Math.max(map.getZoom(), 12), {animate: false});
      state.pendingReveal = id;
      return;
    }
    if (state.mode === "super") {  // close enough for its own point (or its stack)
      map.setView(latlng, Math.max(map.getZoom(), 15), {animate: false});
    } else if (m && cluster.hasLayer(m)) { reveal(m); } else { map.panTo(latlng, {animate: false}); }
  }

  function sized() {
    var size = map.getSize();
    return size.x > 50 && size.y > 50;
  }

  // markercluster's zoomToShowLayer waits for an icon, which circle markers lack. A circle marker
  // out of its clusters is on the map itself (m._map): zoom in until it is, and open the stack
  // (spiderfy) where projects share one point
  function visibleCluster(m) {
    var c = m.__parent;
    while (c && !c._icon) { c = c.__parent; }
    return c || null;
  }
  function reveal(m, step) {
    var latlng = m.getLatLng();
    step = step || 0;
    if (m._map) { map.panTo(latlng, {animate: false}); return; }  // drawn: centre on it (no animation: a hidden tab runs none)
    if (step === 0) {
      map.setView(latlng, Math.max(map.getZoom(), 15), {animate: false});
    } else if (step === 1) {
      map.setView(latlng, map.getMaxZoom(), {animate: false});
    } else {
      var c = visibleCluster(m);
      if (c) { c.spiderfy(); }
      return;
    }
    window.setTimeout(function () { reveal(m, step + 1); }, 60);
  }
  window.cpm.reveal = function (id) {
    var i = state.ids[id];
    if (i === undefined) { return; }
    if (state.mode === "super") {
      map.setView([state.rows[i][F.lat], state.rows[i][F.lon]], map.getMaxZoom(), {animate: false});
    } else { reveal(state.markers[i]); }
  };


  // the iframe gets its height from Streamlit after the first render: fit the view once it has one
  // the map keeps its centre when its size changes (a hidden tab has none)
  function fitWhenSized() {
    if (state.args && !state.args.frame_height && fillHeight(state.args) !== state.fillHeight) {
      setHeight(state.args);  // shown again after a hidden tab: measure the room once more
    }
    map.invalidateSize({pan: true, animate: false});
    if (!sized()) { return; }
    if (state.pendingFit) {
      map.fitBounds(state.pendingFit, {animate: false});
      state.pendingFit = null;
    }
    if (state.pendingReveal !== null) {
      var i = state.ids[state.pendingReveal], m = i === undefined ? null : state.markers[i];
      state.pendingReveal = null;
      if (m && state.mode !== "super" && cluster.hasLayer(m)) { reveal(m); } else if (i !== undefined) {
        map.panTo([state.rows[i][F.lat], state.rows[i][F.lon]], {animate: false});
      }
    }
    declutter();
    drawSuper();
  }
  window.addEventListener("resize", fitWhenSized);

  // the map fills the window below its own top (a fixed height when the app gives one): measured
  // once the frame has its place on the page, and again when the window is resized (not on scroll)
  function fillHeight(args) {
    if (args.frame_height) { return args.frame_height; }
    try {
      var box = window.frameElement.getBoundingClientRect(), top = box.top, room = window.parent.innerHeight;
      if (!box.width || top < 0 || top >= room) {  // in a hidden tab, or scrolled away: keep the height
        return state.fillHeight || args.default_height;
      }
      return Math.max(args.min_height, Math.floor(room - top - 16));
    } catch (e) { return args.default_height; }  // no access to the page: the default
  }
  function setHeight(args) {
    state.fillHeight = fillHeight(args);
    send("streamlit:setFrameHeight", {height: state.fillHeight});
  }
  try {
    window.parent.addEventListener("resize", function () { if (state.args) { setHeight(state.args); } });
  } catch (e) { /* a page of another origin: the height stays as measured */ }

  function render(args) {
    state.renders += 1;
    state.args = args;
    setHeight(args);
    if (args.data && args.version !== state.version) {
      var t0 = performance.now(), got = parsed(args.data), t1 = performance.now();
      load(got);
      window.cpm.timing = {dataAt: Date.now() - window.cpm.loadedAt, parse: t1 - t0, load: performance.now() - t1};
      if (state.asked) {  // say it holds the data it asked for (a page sent the data unasked says nothing)
        state.asked = false;
        state.value = {have: state.version, click: state.value.click, seq: state.value.seq, ask: state.value.ask};
        report();
      }
    }
    if (args.version !== state.version) {  // a new page without the data, or a render skipped: ask for it
      state.asks += 1;
      state.asked = true;
      state.value = {have: null, click: null, seq: state.value.seq, ask: window.cpm.loadedAt + "-" + state.asks};
      report();
      return;
    }
    var langChanged = args.lang !== state.lang;
    state.lang = args.lang;
    state.labels = args.labels;
    state.palette = args.palette;
    state.colours = bytes(args.colours);
    if (langChanged) {
      state.markers.forEach(function (m) { if (m && m.getTooltip()) { m.unbindTooltip(); } });
      setControl(args.labels);
    }
    setTiles(args.tiles);
    restyle(state.colours, state.palette);
    var t2 = performance.now();
    window.cpm.visible = showMask(bytes(args.mask));
    if (window.cpm.timing) { window.cpm.timing.mask = performance.now() - t2; }
    legend.fill(args.legend, args.labels);
    if (args.fit_key !== state.fitKey) {
      state.fitKey = args.fit_key;
      state.pendingFit = args.fit;
      fitWhenSized();
    }
    select(args.selected);
  }

  window.addEventListener("message", function (event) {
    if (event.data && event.data.type === "streamlit:render") { render(event.data.args); }
  });
  send("streamlit:componentReady", {apiVersion: 1});
})();
