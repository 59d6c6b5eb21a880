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
      scaling: { min: MIN_SIZE, max: MAX_SIZE, label: { enabled: false } }
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
      stabilization: { enabled: true, iterations: 300, updateInterval: 50, fit: false },
      maxVelocity: 40, minVelocity: 1
    }
  };

  var container = document.getElementById("graph");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  window.citegraphView = { network: network, nodes: nodes, edges: edges, focus: data.focus,
                           labels: [], drawnAt: null };

  // --- the first view: everything in the area the panel leaves free ----------------------
  var MARGIN = 16;                        // px between the drawing and the page's edges
  var MAX_FIT_SCALE = 1.25;               // a handful of nodes is not blown up past this

  function visibleIds() {
    return data.nodes.filter(function (n) { return !hiddenKinds["n:" + n.kind]; })
      .map(function (n) { return n.id; });
  }

  // The part of the page the graph may use: right of the panel when that leaves room.
  function freeArea() {
    var width = container.clientWidth, height = container.clientHeight;
    var panel = document.getElementById("panel").getBoundingClientRect();
    var left = panel.right + MARGIN;
    if (width - left < 0.5 * width) left = MARGIN;   // a narrow page: use all of it
    return { left: left, top: MARGIN, right: width - MARGIN, bottom: height - MARGIN };
  }

  // Like network.fit(), but into freeArea() and with room for labels under the nodes.
  function fitView(animate) {
    var ids = visibleIds();
    if (!ids.length) return;
    var pos = network.getPositions(ids);
    var box = [Infinity, Infinity, -Infinity, -Infinity];
    ids.forEach(function (id) {
      var p = pos[id], r = radius(byId[id]);
      box = [Math.min(box[0], p.x - r), Math.min(box[1], p.y - r),
             Math.max(box[2], p.x + r), Math.max(box[3], p.y + r)];
    });
    var area = freeArea(), pad = LABEL_PX + 8;   // a label below the lowest node
    var scale = Math.min(MAX_FIT_SCALE,
                         (area.right - area.left) / Math.max(box[2] - box[0], 1),
                         (area.bottom - area.top - pad) / Math.max(box[3] - box[1], 1));
    network.moveTo({
      position: { x: (box[0] + box[2]) / 2, y: (box[1] + box[3]) / 2 },
      scale: scale,
      offset: { x: (area.left + area.right - container.clientWidth) / 2,
                y: (area.top + area.bottom - pad - container.clientHeight) / 2 },
      animation: animate ? { duration: 400, easingFunction: "easeInOutQuad" } : false
    });
  }

  // After live physics, nodes without a drawn edge drift to the rim; set them out in a
  // grid below the rest instead (the Python layout does the same for big views).
  function gridIsolated() {
    var linked = {};
    data.edges.forEach(function (e) {
      if (!hiddenKinds["e:" + e.kind]) { linked[e.from] = 1; linked[e.to] = 1; }
    });
    var lonely = ranked.filter(function (n) { return !linked[n.id]; });
    if (!lonely.length) return;
    var rest = data.nodes.filter(function (n) { return linked[n.id]; }).map(function (n) { return n.id; });
    var pos = network.getPositions(rest), step = 60;
    var columns = Math.ceil(Math.sqrt(lonely.length)), rows = Math.ceil(lonely.length / columns);
    var top = -(rows - 1) * step / 2, middle = 0;
    if (rest.length) {
      var xs = rest.map(function (id) { return pos[id].x; });
      middle = (Math.min.apply(null, xs) + Math.max.apply(null, xs)) / 2;
      top = Math.max.apply(null, rest.map(function (id) { return pos[id].y; })) + 2 * step;
    }
    lonely.forEach(function (n, i) {
      network.moveNode(n.id, middle + ((i % columns) - (columns - 1) / 2) * step,
                       top + Math.floor(i / columns) * step);
    });
  }

  // drawnAt: ms from navigation to the first frame of the finished layout (tests, benchmark).
  var settled = big || data.nodes.length === 0;
  if (big) fitView(false);
  network.on("stabilizationIterationsDone", function () {
    window.citegraphView.stabilizedAt = performance.now();
    network.setOptions({ physics: false });
    if (!big) gridIsolated();
    fitView(false);
    settled = true;
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

  // --- labels: our own layer over the canvas ----------------------------------------------
  // vis-network draws every label under its node, whatever is there. Instead, at each zoom
  // the most important labels are placed beside their node (below, right, above or left)
  // where they overlap no other label, the panel or the page's edge, preferring a side that
  // covers no node either; the rest stay unlabelled until hovered, clicked or zoomed in.
  var ranked = data.nodes.slice().sort(function (a, b) { return b.value - a.value; });
  var byLabel = data.nodes.slice().sort(function (a, b) { return b.lp - a.lp; });
  var candidates = byLabel.slice(0, CANDIDATES).map(function (n) { return n.id; });
  var pinned = {};                         // always labelled: the focus, clicked, found
  if (data.focus) pinned[data.focus] = 1;
  var hovered = null;
  var placed = [];                         // [{id, side}] drawn by drawLabels()
  var LABEL_FONT = LABEL_PX + "px system-ui, sans-serif";
  var LABEL_H = LABEL_PX + 4, GAP = 2, PAD = 3;
  var measure = document.createElement("canvas").getContext("2d");
  measure.font = LABEL_FONT;
  var widths = {};
  function textWidth(id) {
    if (!(id in widths)) widths[id] = measure.measureText(byId[id].short).width;
    return widths[id];
  }

  function overlaps(box, boxes) {
    for (var i = 0; i < boxes.length; i++) {
      var b = boxes[i];
      if (box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]) return true;
    }
    return false;
  }

  // The label's box in page pixels, on ``side`` of a node drawn at ``p`` with radius ``r``.
  function labelBox(id, side, p, r) {
    var w = textWidth(id) + 2 * PAD;
    if (side === "below") return [p.x - w / 2, p.y + r + GAP, p.x + w / 2, p.y + r + GAP + LABEL_H];
    if (side === "above") return [p.x - w / 2, p.y - r - GAP - LABEL_H, p.x + w / 2, p.y - r - GAP];
    if (side === "right") return [p.x + r + GAP, p.y - LABEL_H / 2, p.x + r + GAP + w, p.y + LABEL_H / 2];
    return [p.x - r - GAP - w, p.y - LABEL_H / 2, p.x - r - GAP, p.y + LABEL_H / 2];
  }
  var SIDES = ["below", "right", "above", "left"];

  function placeLabels() {
    var scale = network.getScale();
    var width = container.clientWidth, height = container.clientHeight;
    var panel = document.getElementById("panel").getBoundingClientRect();
    var visible = visibleIds(), all = network.getPositions(visible), screen = {};
    var cells = {}, CELL = 64;             // the on-screen nodes, bucketed by area
    function cellsOf(box, visit) {
      for (var cx = Math.floor(box[0] / CELL); cx <= Math.floor(box[2] / CELL); cx++) {
        for (var cy = Math.floor(box[1] / CELL); cy <= Math.floor(box[3] / CELL); cy++) {
          if (visit(cx + ":" + cy)) return true;
        }
      }
      return false;
    }
    visible.forEach(function (id) {
      var p = network.canvasToDOM(all[id]), r = radius(byId[id]) * scale;
      screen[id] = { p: p, r: r };
      if (p.x + r > 0 && p.y + r > 0 && p.x - r < width && p.y - r < height) {
        var node = { id: id, box: [p.x - r, p.y - r, p.x + r, p.y + r] };
        cellsOf(node.box, function (key) { (cells[key] = cells[key] || []).push(node); });
      }
    });
    function coversNode(box, own) {
      return cellsOf(box, function (key) {
        return (cells[key] || []).some(function (n) { return n.id !== own && overlaps(box, [n.box]); });
      });
    }
    var first = (hovered ? [hovered] : []).concat(Object.keys(pinned));
    var ids = first.concat(candidates.filter(function (id) {
      return id !== hovered && !pinned[id];
    })).filter(function (id) { return id in screen; });
    var boxes = [[panel.left, panel.top, panel.right, panel.bottom]];
    var want = [], free = 0, seen = {};
    ids.forEach(function (id) {
      if (seen[id]) return;
      seen[id] = 1;
      var must = id === hovered || !!pinned[id];
      if (!must && free >= MAX_LABELS) return;
      var at = screen[id], chosen = null, fallback = null;
      for (var i = 0; i < SIDES.length && !chosen; i++) {
        var box = labelBox(id, SIDES[i], at.p, at.r);
        if (box[0] < 0 || box[1] < 0 || box[2] > width || box[3] > height) continue;
        if (overlaps(box, boxes)) continue;
        if (!coversNode(box, id)) chosen = SIDES[i];
        else if (!fallback) fallback = SIDES[i];
      }
      chosen = chosen || fallback || (must ? "below" : null);
      if (!chosen) return;
      boxes.push(labelBox(id, chosen, at.p, at.r));
      want.push({ id: id, side: chosen });
      if (!must) free += 1;
    });
    placed = want;
    network.redraw();
  }

  // Drawn after vis-network's own frame, in page pixels, so text stays LABEL_PX at any zoom.
  function drawLabels(ctx) {
    var ratio = ctx.canvas.width / Math.max(ctx.canvas.clientWidth, 1);
    var scale = network.getScale(), drawn = [];
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = LABEL_FONT;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    ctx.lineWidth = 4;
    ctx.strokeStyle = "rgba(255, 255, 255, 0.92)";
    ctx.fillStyle = "#1d1d1f";
    placed.forEach(function (label) {
      var n = byId[label.id];
      if (hiddenKinds["n:" + n.kind]) return;
      var p = network.canvasToDOM(network.getPosition(label.id));
      var box = labelBox(label.id, label.side, p, radius(n) * scale);
      var x = (box[0] + box[2]) / 2, y = (box[1] + box[3]) / 2;
      ctx.strokeText(n.short, x, y);
      ctx.fillText(n.short, x, y);
      drawn.push({ id: label.id, text: n.short, box: box });
    });
    ctx.restore();
    window.citegraphView.labels = drawn;
  }
  network.on("afterDrawing", drawLabels);

  var pending = false;
  function relabel() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; placeLabels(); });
  }
  ["dragEnd", "animationFinished", "resize"].forEach(function (name) {
    network.on(name, relabel);
  });
  network.on("hoverNode", function (params) { hovered = params.node; relabel(); });
  network.on("blurNode", function () { hovered = null; relabel(); });
  // Zooming by wheel, by focus() or by fit() all end in a redraw at a new scale.
  var placedScale = null;
  network.on("afterDrawing", function () {
    if (!settled) return;
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
    fitView(true);
  }
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") reset(); });
})();
