// The script of the /docs page, served as /docs/app.js (the page's CSP allows no inline script).
// It fetches /openapi.json and builds the page with createElement + textContent only: every
// string from the document is treated as text, never as HTML. Plain ES2020, no template literals.
export const DOCS_SCRIPT = String.raw`'use strict';
(function () {
  var METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'];
  var MAX_DEPTH = 6;
  var spec = null;
  var operations = [];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') node.textContent = attrs[k];
        else if (k === 'className') node.className = attrs[k];
        else node.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  // A little Markdown, as text nodes: paragraphs, **bold**, and code spans.
  function inline(text) {
    var frag = document.createDocumentFragment();
    String(text).split(/(\x60[^\x60]+\x60|\*\*[^*]+\*\*)/).forEach(function (part) {
      if (!part) return;
      if (part.charAt(0) === '\x60' && part.length > 2 && part.charAt(part.length - 1) === '\x60') frag.appendChild(el('code', { text: part.slice(1, -1) }));
      else if (part.indexOf('**') === 0 && part.length > 4 && part.slice(-2) === '**') frag.appendChild(el('strong', { text: part.slice(2, -2) }));
      else frag.appendChild(document.createTextNode(part));
    });
    return frag;
  }

  function prose(text) {
    var box = el('div', { className: 'prose' });
    String(text || '').split(/\n\s*\n/).forEach(function (para) {
      if (para.trim()) box.appendChild(el('p', null, [inline(para)]));
    });
    return box;
  }

  function resolve(ref) {
    if (typeof ref !== 'string' || ref.indexOf('#/') !== 0) return null;
    var node = spec;
    var parts = ref.slice(2).split('/');
    for (var i = 0; i < parts.length; i++) {
      var key = parts[i].replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return null;
      node = node[key];
    }
    return node;
  }

  function refName(ref) {
    return String(ref).split('/').pop();
  }

  function typeLabel(s) {
    if (!s || typeof s !== 'object') return 'any';
    if (s.$ref) return refName(s.$ref);
    if (s.const !== undefined) return JSON.stringify(s.const);
    if (Array.isArray(s.type)) return s.type.join(' | ');
    if (s.type === 'array') return 'array of ' + typeLabel(s.items);
    if (s.type) return s.type + (s.format ? ' (' + s.format + ')' : '');
    if (s.anyOf || s.oneOf) return (s.anyOf || s.oneOf).map(typeLabel).join(' | ');
    if (s.allOf) return s.allOf.map(typeLabel).join(' & ');
    return 'any';
  }

  function constraints(s) {
    var out = [];
    if (!s || typeof s !== 'object') return out;
    if (s.enum) out.push('one of: ' + s.enum.map(function (v) { return JSON.stringify(v); }).join(', '));
    [['minLength', 'min length'], ['maxLength', 'max length'], ['minimum', 'min'], ['maximum', 'max'], ['minItems', 'min items'], ['maxItems', 'max items'], ['pattern', 'pattern']].forEach(function (pair) {
      if (s[pair[0]] !== undefined) out.push(pair[1] + ' ' + s[pair[0]]);
    });
    if (s.default !== undefined) out.push('default ' + JSON.stringify(s.default));
    return out;
  }

  // Renders a schema as a nested list; $refs expand once per path (cycles stop).
  function schemaView(s, depth, seen) {
    var box = el('div', { className: 'schema' });
    if (!s || typeof s !== 'object') return box;
    var name = null;
    if (s.$ref) {
      name = refName(s.$ref);
      if (seen.indexOf(s.$ref) >= 0 || depth > MAX_DEPTH) {
        box.appendChild(el('span', { className: 'type', text: name }));
        return box;
      }
      var target = resolve(s.$ref);
      if (!target) {
        box.appendChild(el('span', { className: 'type bad', text: name + ' (unresolved)' }));
        return box;
      }
      seen = seen.concat([s.$ref]);
      s = target;
    }
    var head = el('div', { className: 'schema-head' }, [el('span', { className: 'type', text: name ? name + ': ' + typeLabel(s) : typeLabel(s) })]);
    constraints(s).forEach(function (c) { head.appendChild(el('span', { className: 'constraint', text: c })); });
    box.appendChild(head);
    if (s.description && depth > 0) box.appendChild(el('div', { className: 'desc' }, [inline(s.description)]));
    var alts = s.anyOf || s.oneOf || s.allOf;
    if (alts) {
      var list = el('ol', { className: 'alts' });
      alts.forEach(function (alt) { list.appendChild(el('li', null, [schemaView(alt, depth + 1, seen)])); });
      box.appendChild(list);
    }
    if (s.properties) {
      var required = s.required || [];
      var props = el('ul', { className: 'props' });
      Object.keys(s.properties).forEach(function (key) {
        var p = s.properties[key];
        var row = el('li', null, [el('code', { className: 'prop', text: key }), required.indexOf(key) >= 0 ? el('span', { className: 'req', text: 'required' }) : null]);
        row.appendChild(schemaView(p, depth + 1, seen));
        props.appendChild(row);
      });
      box.appendChild(props);
    }
    if (s.type === 'array' || (Array.isArray(s.type) && s.type.indexOf('array') >= 0)) {
      if (s.items && (s.items.$ref || s.items.properties || s.items.anyOf)) box.appendChild(el('div', { className: 'items' }, ['items: ', schemaView(s.items, depth + 1, seen)]));
    }
    return box;
  }

  function deref(obj) {
    return obj && obj.$ref ? Object.assign({}, resolve(obj.$ref) || {}, obj.description ? { description: obj.description } : {}) : obj;
  }

  function paramsView(params) {
    var table = el('table', { className: 'params' }, [el('thead', null, [el('tr', null, ['Name', 'In', 'Type', 'Description'].map(function (h) { return el('th', { text: h }); }))])]);
    var body = el('tbody');
    params.map(deref).forEach(function (p) {
      var typeCell = el('td', null, [el('span', { className: 'type', text: typeLabel(p.schema) })]);
      constraints(p.schema).forEach(function (c) { typeCell.appendChild(el('span', { className: 'constraint', text: c })); });
      body.appendChild(el('tr', null, [
        el('td', null, [el('code', { text: p.name }), p.required ? el('span', { className: 'req', text: 'required' }) : null]),
        el('td', { text: p.in }),
        typeCell,
        el('td', null, [inline(p.description || '')]),
      ]));
    });
    table.appendChild(body);
    return table;
  }

  function contentView(content) {
    var box = el('div');
    Object.keys(content || {}).forEach(function (type) {
      var media = content[type];
      box.appendChild(el('div', { className: 'media', text: type }));
      if (media.schema) box.appendChild(schemaView(media.schema, 0, []));
      if (media.example !== undefined) {
        var ex = typeof media.example === 'string' ? media.example : JSON.stringify(media.example, null, 2);
        box.appendChild(el('details', { className: 'example' }, [el('summary', { text: 'Example' }), el('pre', { text: ex })]));
      }
    });
    return box;
  }

  function operationView(op) {
    var o = op.op;
    var roles = o['x-greenlight-roles'] || [];
    var summary = el('summary', null, [
      el('span', { className: 'method m-' + op.method, text: op.method.toUpperCase() }),
      el('code', { className: 'path', text: op.path }),
      el('span', { className: 'summary', text: o.summary || '' }),
      el('span', { className: 'roles' }, roles.length ? roles.map(function (r) { return el('span', { className: 'role', text: r }); }) : [el('span', { className: 'role public', text: 'public' })]),
    ]);
    var body = el('div', { className: 'op-body' }, [prose(o.description)]);
    if (o.operationId) body.appendChild(el('div', { className: 'opid', text: 'operationId: ' + o.operationId }));
    if (o.parameters && o.parameters.length) {
      body.appendChild(el('h4', { text: 'Parameters' }));
      body.appendChild(paramsView(o.parameters));
    }
    if (o.requestBody) {
      var rb = deref(o.requestBody);
      body.appendChild(el('h4', { text: 'Request body' + (rb.required ? '' : ' (optional)') }));
      if (rb.description) body.appendChild(prose(rb.description));
      body.appendChild(contentView(rb.content));
    }
    body.appendChild(el('h4', { text: 'Responses' }));
    var list = el('div', { className: 'responses' });
    Object.keys(o.responses || {}).forEach(function (status) {
      var raw = o.responses[status];
      var r = deref(raw);
      var cls = status.charAt(0) === '2' ? 'ok' : status.charAt(0) === '3' ? 'redirect' : 'err';
      var block = el('details', { className: 'response' }, [el('summary', null, [el('span', { className: 'status ' + cls, text: status }), ' ', inline(r.description || '')])]);
      block.appendChild(contentView(r.content));
      list.appendChild(block);
    });
    body.appendChild(list);
    var node = el('details', { className: 'op', id: 'op-' + (o.operationId || op.method + op.path) }, [summary, body]);
    op.node = node;
    op.haystack = [op.method, op.path, o.operationId, o.summary, o.description, op.tag, roles.join(' ')].join(' ').toLowerCase();
    return node;
  }

  function render() {
    var info = spec.info || {};
    document.title = (info.title || 'API') + ' ' + (info.version || '');
    document.getElementById('title').textContent = info.title || 'API';
    document.getElementById('version').textContent = 'v' + (info.version || '?') + ' · OpenAPI ' + spec.openapi;
    var content = document.getElementById('content');
    content.textContent = '';
    content.appendChild(el('section', { className: 'intro' }, [prose(info.description)]));

    var tagOrder = (spec.tags || []).map(function (t) { return t.name; });
    var tagInfo = {};
    (spec.tags || []).forEach(function (t) { tagInfo[t.name] = t; });
    Object.keys(spec.paths || {}).forEach(function (path) {
      METHODS.forEach(function (m) {
        var o = spec.paths[path][m];
        if (!o) return;
        var tag = (o.tags && o.tags[0]) || 'other';
        if (tagOrder.indexOf(tag) < 0) tagOrder.push(tag);
        operations.push({ path: path, method: m, op: o, tag: tag });
      });
    });
    var toc = document.getElementById('toc');
    toc.textContent = '';
    tagOrder.forEach(function (tag) {
      var ops = operations.filter(function (op) { return op.tag === tag; });
      if (!ops.length) return;
      var section = el('section', { className: 'tag', id: 'tag-' + tag }, [el('h2', { text: tag })]);
      if (tagInfo[tag] && tagInfo[tag].description) section.appendChild(prose(tagInfo[tag].description));
      ops.forEach(function (op) { section.appendChild(operationView(op)); op.section = section; });
      content.appendChild(section);
      toc.appendChild(el('a', { href: '#tag-' + tag, text: tag + ' (' + ops.length + ')' }));
    });
    var schemas = (spec.components && spec.components.schemas) || {};
    var schemaSection = el('section', { className: 'tag', id: 'schemas' }, [el('h2', { text: 'Schemas' })]);
    Object.keys(schemas).forEach(function (name) {
      var d = el('details', { className: 'op', id: 'schema-' + name }, [el('summary', null, [el('code', { className: 'path', text: name }), el('span', { className: 'summary', text: schemas[name].description || '' })])]);
      d.appendChild(el('div', { className: 'op-body' }, [schemaView({ $ref: '#/components/schemas/' + name }, 0, [])]));
      schemaSection.appendChild(d);
    });
    content.appendChild(schemaSection);
    toc.appendChild(el('a', { href: '#schemas', text: 'schemas' }));
    if (location.hash) {
      var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target && target.tagName === 'DETAILS') target.open = true;
    }
  }

  function filter(q) {
    var words = q.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = {};
    operations.forEach(function (op) {
      var hit = words.every(function (w) { return op.haystack.indexOf(w) >= 0; });
      op.node.hidden = !hit;
      if (hit) shown[op.tag] = true;
    });
    operations.forEach(function (op) { op.section.hidden = !shown[op.tag]; });
    var schemas = document.getElementById('schemas');
    if (schemas) schemas.hidden = words.length > 0;
    var visible = operations.filter(function (op) { return !op.node.hidden; }).length;
    document.getElementById('count').textContent = words.length ? visible + ' of ' + operations.length + ' operations' : operations.length + ' operations';
  }

  function fail(message) {
    var content = document.getElementById('content');
    content.textContent = '';
    content.appendChild(el('p', { className: 'error', text: message }));
  }

  document.addEventListener('DOMContentLoaded', function () {
    var search = document.getElementById('search');
    fetch('/openapi.json', { headers: { accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) throw new Error('GET /openapi.json answered ' + res.status);
        return res.json();
      })
      .then(function (doc) {
        spec = doc;
        render();
        filter(search.value);
        search.addEventListener('input', function () { filter(search.value); });
      })
      .catch(function (err) { fail('Could not load /openapi.json: ' + (err && err.message ? err.message : String(err))); });
  });
})();
`;
