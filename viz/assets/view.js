/* citegraph view: draws the embedded graph data with vis-network, offline.
   Text from the graph only ever reaches the page through textContent or the canvas. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("view-data").textContent);
  var big = !data.physics;
  var MIN_SIZE = 7, MAX_SIZE = 28;       // node sizes for the lowest and highest PageRank
  var LABEL_PX = 13;                      // on-screen label size at every zoom
  var MAX_LABELS = big ? 24 : 40;         // labels drawn at once, besides pinned ones
  var CANDIDATES = 400;                   // most important nodes that may get a label

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function tipElement(lines) {
    var box = el("div");
    lines.forEach(function (line) { box.appendChild(el("div", "tip-" + line[0], line[1])); });
    return box;
  }

  var byId = {};
  data.nodes.forEach(function (n) {
    n.title = tipElement(n.tip);
    n.label = "";
    delete n.tip;
    byId[n.id] = n;
  });
  data.edges.forEach(function (e) { e.title = tipElement(e.tip); delete e.tip; });
  var vMin = Infinity, vMax = -Infinity;
  data.nodes.forEach(function (n) { vMin = Math.min(vMin, n.value); vMax = Math.max(vMax, n.value); });
  function radius(n) {
    var t = vMax > vMin ? (n.value - vMin) / (vMax - vMin) : 0.5;
    return MIN_SIZE + t * (MAX_SIZE - MIN_SIZE);
  }

  var hiddenKinds = {};                   // "n:Kind" / "e:TYPE" -> unticked in the legend
  (data.hidden || []).forEach(function (rel) { hiddenKinds["e:" + rel] = true; });
  data.edges.forEach(function (e) { if (hiddenKinds["e:" + e.kind]) e.hidden = true; });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);

  var options = {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 7 },
    nodes: {
      borderWidth: 1.5,
      scaling: { min: MIN_SIZE, max: MAX_SIZE, label: { enabled: false } },
      font: { size: LABEL_PX, face: "system-ui, sans-serif", color: "#1d1d1f",
              strokeWidth: 4, strokeColor: "#ffffff" }
    },
    edges: {
      selectionWidth: 1.5,
      hoverWidth: 1,
      smooth: big ? false : { type: "continuous", roundness: 0.2 }
    },
    interaction: {
      hover: true, tooltipDelay: 120, navigationButtons: false, keyboard: false,
      hideEdgesOnDrag: big, hideEdgesOnZoom: big
    },
    physics: big ? false : {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -45, centralGravity: 0.012,
                          springLength: 70, springConstant: 0.06, avoidOverlap: 0.3 },
      stabilization: { enabled: true, iterations: 300, updateInterval: 50, fit: true },
      maxVelocity: 40, minVelocity: 1
    }
  };

  var container = document.getElementById("graph");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  window.citegraphView = { network: network, nodes: nodes, edges: edges, drawnAt: null };

  // drawnAt: ms from navigation to the first frame of the finished layout (tests, benchmark).
  var settled = big || data.nodes.length === 0;
  network.on("stabilizationIterationsDone", function () {
    settled = true;
    window.citegraphView.stabilizedAt = performance.now();
    network.setOptions({ physics: false });
  });
  network.on("afterDrawing", function first() {
    if (!settled) return;
    network.off("afterDrawing", first);
    window.citegraphView.drawnAt = performance.now();
    var loading = document.getElementById("loading");
    if (data.nodes.length) loading.remove();
    else loading.textContent = "This view has no nodes.";
    document.body.setAttribute("data-drawn", "1");
  });

  // --- labels: the most important ones that fit without overlapping, at every zoom ---
  var ranked = data.nodes.slice().sort(function (a, b) { return b.value - a.value; });
  var byLabel = data.nodes.slice().sort(function (a, b) { return b.lp - a.lp; });
  var candidates = byLabel.slice(0, CANDIDATES).map(function (n) { return n.id; });
  var pinned = {};                         // always labelled: the focus, clicked, found
  if (data.focus) pinned[data.focus] = 1;
  var shown = {};                          // id -> font size currently drawn

  function overlaps(box, boxes) {
    for (var i = 0; i < boxes.length; i++) {
      var b = boxes[i];
      if (box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]) return true;
    }
    return false;
  }

  function placeLabels() {
    var scale = network.getScale(), size = Math.min(LABEL_PX / scale, 600);
    var width = container.clientWidth, height = container.clientHeight;
    var ids = Object.keys(pinned).concat(candidates.filter(function (id) { return !pinned[id]; }));
    ids = ids.filter(function (id) { return byId[id] && !hiddenKinds["n:" + byId[id].kind]; });
    var panel = document.getElementById("panel").getBoundingClientRect();
    var pos = network.getPositions(ids), want = {}, free = 0;
    var boxes = [[panel.left, panel.top, panel.right, panel.bottom]];  // keep clear of it
    ids.forEach(function (id) {
      if (!pinned[id] && free >= MAX_LABELS) return;
      var p = network.canvasToDOM(pos[id]), n = byId[id];
      if (!pinned[id] && (p.x < 0 || p.y < 0 || p.x > width || p.y > height)) return;
      var w = n.short.length * LABEL_PX * 0.55 + 8, r = radius(n) * scale;
      var box = [p.x - w / 2, p.y + r, p.x + w / 2, p.y + r + LABEL_PX + 6];
      if (!pinned[id] && overlaps(box, boxes)) return;
      boxes.push(box);
      want[id] = size;
      if (!pinned[id]) free += 1;
    });
    var updates = [];
    Object.keys(shown).forEach(function (id) {
      if (!(id in want)) updates.push({ id: id, label: "" });
    });
    Object.keys(want).forEach(function (id) {
      if (shown[id] !== want[id]) {
        updates.push({ id: id, label: byId[id].short, font: { size: want[id] } });
      }
    });
    shown = want;
    if (updates.length) nodes.update(updates);
  }
  var pending = false;
  function relabel() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; placeLabels(); });
  }
  ["dragEnd", "animationFinished", "resize"].forEach(function (name) {
    network.on(name, relabel);
  });
  // Zooming by wheel, by focus() or by fit() all end in a redraw at a new scale.
  var placedScale = null;
  network.on("afterDrawing", function () {
    var scale = network.getScale();
    if (placedScale === null || Math.abs(scale - placedScale) / placedScale > 0.04) {
      placedScale = scale;
      relabel();
    }
  });

  function pin(ids) {
    pinned = {};
    if (data.focus) pinned[data.focus] = 1;
    ids.forEach(function (id) { pinned[id] = 1; });
    relabel();
  }

  // --- header, note, legend with filters ---------------------------------------------
  document.getElementById("title").textContent = data.title;
  function count(n, noun) { return n.toLocaleString() + " " + noun + (n === 1 ? "" : "s"); }
  document.getElementById("stats").textContent =
    count(data.nodes.length, "node") + " · " + count(data.edges.length, "edge");
  document.getElementById("note").textContent = data.note || "";
  if (data.sizeMeans) document.getElementById("size-means").textContent = data.sizeMeans;

  function applyFilters() {
    nodes.update(data.nodes.map(function (n) {
      return { id: n.id, hidden: !!hiddenKinds["n:" + n.kind] };
    }));
    edges.update(data.edges.map(function (e) {
      return { id: e.id, hidden: !!hiddenKinds["e:" + e.kind] };
    }));
    relabel();
  }

  function legendRow(list, key, swatch, row) {
    var item = el("li"), label = el("label"), box = el("input");
    box.type = "checkbox";
    box.checked = !hiddenKinds[key];
    box.addEventListener("change", function () {
      hiddenKinds[key] = !box.checked;
      applyFilters();
    });
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(el("span", "", row.kind));
    label.appendChild(el("span", "count", row.count.toLocaleString()));
    if (hiddenKinds[key]) item.title = "hidden at first: tick to show";
    item.appendChild(label);
    list.appendChild(item);
  }

  data.legend.nodes.forEach(function (row) {
    var sw = el("span", "swatch " + row.shape);
    sw.style.background = row.color;
    sw.style.borderColor = row.border;
    legendRow(document.getElementById("node-kinds"), "n:" + row.kind, sw, row);
  });
  if (!data.legend.edges.length) {
    document.getElementById("edge-kinds").previousElementSibling.remove();
  }
  data.legend.edges.forEach(function (row) {
    var dash = row.dashes === false ? "" : (row.dashes[0] <= 2 ? " dotted" : " dashed");
    var sw = el("span", "line" + dash);
    sw.style.borderTopColor = row.color;
    sw.style.borderTopWidth = Math.max(1, Math.round(row.width * 1.5)) + "px";
    legendRow(document.getElementById("edge-kinds"), "e:" + row.kind, sw, row);
  });

  // --- search ---------------------------------------------------------------------
  var names = document.getElementById("names");
  ranked.slice(0, 2000).forEach(function (n) {
    var option = el("option");
    option.value = n.name;
    names.appendChild(option);
  });
  var found = document.getElementById("found");

  function search(text) {
    var q = text.trim().toLowerCase();
    if (!q) { reset(); return; }
    var hits = data.nodes.filter(function (n) {
      return !hiddenKinds["n:" + n.kind] && n.name.toLowerCase().indexOf(q) >= 0;
    }).map(function (n) { return n.id; });
    found.textContent = hits.length ? hits.length + " match" + (hits.length > 1 ? "es" : "")
                                    : "no match";
    if (!hits.length) return;
    network.selectNodes(hits);
    pin(hits.slice(0, 50));
    if (hits.length === 1) {
      network.focus(hits[0], { scale: Math.max(network.getScale(), 1.2), animation: true });
    } else {
      network.fit({ nodes: hits, animation: true });
    }
  }
  document.getElementById("search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    search(document.getElementById("query").value);
  });
  document.getElementById("query").addEventListener("change", function (ev) {
    search(ev.target.value);
  });

  // --- selection: label the clicked node and its neighbours ----------------------------
  network.on("click", function (params) {
    var ids = [];
    params.nodes.forEach(function (id) {
      ids.push(id);
      ids = ids.concat(network.getConnectedNodes(id));
    });
    pin(ids);
  });
  network.on("doubleClick", function (params) {
    if (params.nodes.length) network.focus(params.nodes[0], { scale: 1.5, animation: true });
  });
  function reset() {
    network.unselectAll();
    pin([]);
    found.textContent = "";
    network.fit({ animation: true });
  }
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") reset(); });
})();
