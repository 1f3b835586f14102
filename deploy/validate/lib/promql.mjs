// A small PromQL reader: enough to find the metric names an expression uses and to catch
// unbalanced brackets. Not a full parser: it strips strings, label matchers, ranges and
// grouping clauses, then every identifier not followed by "(" and not a keyword is a metric.

const FUNCTIONS = new Set([
  // aggregations
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile',
  'limitk', 'limit_ratio',
  // functions
  'abs', 'absent', 'absent_over_time', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min', 'day_of_month',
  'day_of_week', 'day_of_year', 'days_in_month', 'delta', 'deriv', 'exp', 'floor', 'histogram_avg',
  'histogram_count', 'histogram_fraction', 'histogram_quantile', 'histogram_stddev', 'histogram_stdvar',
  'histogram_sum', 'holt_winters', 'double_exponential_smoothing', 'hour', 'idelta', 'increase', 'irate',
  'label_join', 'label_replace', 'ln', 'log2', 'log10', 'minute', 'month', 'predict_linear', 'rate', 'resets',
  'round', 'scalar', 'sgn', 'sort', 'sort_desc', 'sort_by_label', 'sort_by_label_desc', 'sqrt', 'time',
  'timestamp', 'vector', 'year', 'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time',
  'count_over_time', 'quantile_over_time', 'stddev_over_time', 'stdvar_over_time', 'last_over_time',
  'present_over_time', 'mad_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cos', 'cosh', 'sin',
  'sinh', 'tan', 'tanh', 'deg', 'rad', 'pi',
]);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring',
  'group_left', 'group_right', 'inf', 'nan', 'atan2', 'start', 'end', 'e']);

function balanced(expr) {
  const pairs = { ')': '(', ']': '[', '}': '{' };
  const stack = [];
  let inString = null;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === inString) inString = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') inString = c;
    else if ('([{'.includes(c)) stack.push(c);
    else if (')]}'.includes(c)) {
      if (stack.pop() !== pairs[c]) return false;
    }
  }
  return stack.length === 0 && !inString;
}

/**
 * Reads an expression. Grafana variables ($__rate_interval, ${datasource}, $var) are accepted.
 * @returns {{metrics: string[], problems: string[]}}
 */
export function readPromql(expr) {
  const problems = [];
  if (typeof expr !== 'string' || !expr.trim()) return { metrics: [], problems: ['empty expression'] };
  if (!balanced(expr)) problems.push('unbalanced brackets or quotes');
  let s = expr;
  s = s.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ');
  s = s.replace(/\{[^{}]*\}/g, ' ');
  s = s.replace(/\[[^\]]*\]/g, ' ');
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  s = s.replace(/\boffset\s+-?\w+/g, ' ');
  s = s.replace(/\$\{[^}]*\}|\$\w+/g, ' ');
  s = s.replace(/(^|[^\w.])\d+(\.\d+)?([eE][+-]?\d+)?(?![\w.])/g, '$1 ');
  const metrics = [];
  for (const m of s.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = m[0];
    const rest = s.slice(m.index + name.length);
    if (/^\s*\(/.test(rest)) {
      if (!FUNCTIONS.has(name)) problems.push(`unknown function ${name}()`);
      continue;
    }
    if (KEYWORDS.has(name.toLowerCase())) continue;
    metrics.push(name);
  }
  return { metrics: [...new Set(metrics)], problems };
}

/** The unknown metric names of an expression, given the known set and allowed prefixes. */
export function unknownMetrics(expr, known, prefixes) {
  const { metrics, problems } = readPromql(expr);
  const unknown = metrics.filter((m) => !known.has(m) && !prefixes.some((p) => m.startsWith(p)));
  return { metrics, unknown, problems };
}

/**
 * The vector selectors of an expression whose metric name starts with `prefix`, with their label
 * matchers: [{metric, matchers: {label: {op, value}}}]. Strings in Prometheus' Go syntax ("…" with
 * backslash escapes); enough for the deployment's own queries.
 */
export function selectorsOf(expr, prefix) {
  const out = [];
  const re = /([A-Za-z_:][A-Za-z0-9_:]*)\s*(\{((?:[^{}"]|"(?:[^"\\]|\\.)*")*)\})?/g;
  for (const m of String(expr ?? '').matchAll(re)) {
    if (!m[1].startsWith(prefix)) continue;
    const matchers = {};
    for (const mm of (m[3] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
      matchers[mm[1]] = { op: mm[2], value: mm[3].replace(/\\(.)/g, '$1') };
    }
    out.push({ metric: m[1], matchers });
  }
  return out;
}
