/* citegraph view: draws the embedded graph data with vis-network, offline.
   Text from the graph only ever reaches the page through textContent or the canvas. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("view-data").textContent);
  var big = !data.physics;

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

  var hiddenKinds = {};
  data.nodes.forEach(function (n) {
    n.title = tipElement(n.tip);
    n.keepLabel = !!n.label;
    delete n.tip;
  });
  data.edges.forEach(function (e) { e.title = tipElement(e.tip); delete e.tip; });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);

  var options = {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 7 },
    nodes: {
      borderWidth: 1.5,
      scaling: { min: 7, max: 34, label: { enabled: false } },
      font: { size: 13, face: "system-ui, sans-serif", color: "#1d1d1f",
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

  network.once("afterDrawing", function () {
    window.citegraphView.drawnAt = performance.now();
    document.getElementById("loading").remove();
    document.body.setAttribute("data-drawn", "1");
    requestAnimationFrame(fitLabels);
  });

  // Labels keep one on-screen size at any zoom, so a zoomed-out overview stays readable.
  var LABEL_PX = 13, labelScale = null;
  function fitLabels() {
    var scale = network.getScale();
    if (labelScale !== null && Math.abs(scale - labelScale) / labelScale < 0.05) return;
    labelScale = scale;
    var size = Math.min(LABEL_PX / scale, 400);
    nodes.update(nodes.get({ filter: function (n) { return !!n.label; } }).map(function (n) {
      return { id: n.id, font: { size: size } };
    }));
  }
  var zoomPending = false;
  network.on("zoom", function () {
    if (zoomPending) return;
    zoomPending = true;
    requestAnimationFrame(function () { zoomPending = false; fitLabels(); });
  });
  network.on("stabilizationIterationsDone", function () {
    network.setOptions({ physics: false });
  });

  // --- header, note, legend with filters ---------------------------------------------
  document.getElementById("title").textContent = data.title;
  document.getElementById("stats").textContent =
    data.nodes.length.toLocaleString() + " nodes · " +
    data.edges.length.toLocaleString() + " edges";
  document.getElementById("note").textContent = data.note || "";

  function applyFilters() {
    nodes.update(data.nodes.map(function (n) {
      return { id: n.id, hidden: !!hiddenKinds["n:" + n.kind] };
    }));
    edges.update(data.edges.map(function (e) {
      return { id: e.id, hidden: !!hiddenKinds["e:" + e.kind] };
    }));
  }

  function legendRow(list, key, swatch, row) {
    var item = el("li"), label = el("label"), box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.addEventListener("change", function () {
      hiddenKinds[key] = !box.checked;
      applyFilters();
    });
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(el("span", "", row.kind));
    label.appendChild(el("span", "count", row.count.toLocaleString()));
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
  data.nodes.slice(0, 2000).forEach(function (n) {
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
    labelAround(hits.length === 1 ? hits : [], hits);
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

  // --- labels of the selection and its neighbours -------------------------------------
  var shownLabels = [];
  function labelAround(centers, extra) {
    nodes.update(shownLabels.map(function (id) {
      var n = nodes.get(id);
      return { id: id, label: n.keepLabel ? n.label : "" };
    }));
    shownLabels = [];
    var ids = {};
    centers.forEach(function (id) {
      ids[id] = 1;
      network.getConnectedNodes(id).forEach(function (other) { ids[other] = 1; });
    });
    (extra || []).forEach(function (id) { ids[id] = 1; });
    var updates = [];
    Object.keys(ids).forEach(function (id) {
      var n = nodes.get(id);
      if (n && !n.label) { updates.push({ id: id, label: n.short }); shownLabels.push(id); }
    });
    nodes.update(updates);
    labelScale = null;
    fitLabels();
  }

  network.on("click", function (params) { labelAround(params.nodes); });
  network.on("doubleClick", function (params) {
    if (params.nodes.length) {
      network.focus(params.nodes[0], { scale: 1.5, animation: true });
    }
  });
  function reset() {
    network.unselectAll();
    labelAround([]);
    found.textContent = "";
    network.fit({ animation: true });
  }
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") reset(); });
})();
