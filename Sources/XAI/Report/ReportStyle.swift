/// The report's stylesheet, inlined in the page so it needs nothing from the network: system fonts, cards on a
/// light background, and the chart classes the SVGs use. Prints without backgrounds or shadows.
enum ReportStyle {
    static let css = """
    :root { --ink: #1b2430; --muted: #64748b; --line: #e2e8f0; --panel: #ffffff; --page: #f4f6fa;
      --accent: #2f5bd3; --good: #1e8e3e; --bad: #c5221f; }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body { margin: 0; background: var(--page); color: var(--ink);
      font: 15px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial,
        sans-serif; }
    header.top { background: linear-gradient(120deg, #1d2b53 0%, #2f5bd3 100%); color: #fff; padding: 28px 0 64px; }
    .wrap { max-width: 1200px; margin: 0 auto; padding: 0 28px; }
    .eyebrow { text-transform: uppercase; letter-spacing: .12em; font-size: 12px; opacity: .75; margin: 0 0 6px; }
    h1 { font-size: 30px; line-height: 1.2; margin: 0 0 10px; font-weight: 650; word-break: break-word; }
    .meta { margin: 0; opacity: .9; font-size: 14px; }
    .meta span + span::before { content: "·"; margin: 0 10px; opacity: .6; }
    .meta code { background: rgba(255,255,255,.14); color: #fff; }
    main.wrap { margin-top: -44px; padding-bottom: 40px; }
    .kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 16px;
      margin-bottom: 20px; }
    .kpi { background: var(--panel); border-radius: 10px; padding: 16px 20px; box-shadow: 0 1px 3px rgba(16,24,40,.1),
      0 1px 2px rgba(16,24,40,.06); }
    .kpi .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .08em; }
    .kpi .value { font-size: 28px; font-weight: 650; font-variant-numeric: tabular-nums; margin-top: 2px;
      white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .kpi .note { color: var(--muted); font-size: 12px; }
    section.card { background: var(--panel); border-radius: 10px; padding: 22px 26px 26px; margin-bottom: 20px;
      box-shadow: 0 1px 3px rgba(16,24,40,.1), 0 1px 2px rgba(16,24,40,.06); }
    h2 { font-size: 19px; margin: 0 0 4px; font-weight: 650; }
    .lede { color: var(--muted); margin: 0 0 18px; font-size: 14px; }
    h3 { font-size: 16px; margin: 0 0 12px; font-weight: 600; display: flex; flex-wrap: wrap; align-items: center;
      gap: 10px; }
    .panels { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 26px 34px; }
    .panel h4 { margin: 0 0 8px; font-size: 13px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted);
      font-weight: 600; }
    svg.chart { max-width: 100%; height: auto; display: block; margin: 0 auto; font-family: inherit; }
    svg .grid { stroke: #edf1f6; stroke-width: 1; }
    svg .frame { fill: none; stroke: #c3ccd8; stroke-width: 1; }
    svg .frame-soft { stroke: #c3ccd8; stroke-width: .75; }
    svg .axis { stroke: #94a3b8; stroke-width: 1; }
    svg .chance { stroke: #94a3b8; stroke-width: 1.25; stroke-dasharray: 5 4; }
    svg .curve { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; opacity: .92; }
    svg .curve:hover { stroke-width: 3.5; opacity: 1; }
    svg .curve.thin { stroke-width: 1.5; }
    svg .inset-back { fill: #ffffff; }
    svg .tick.small { font-size: 10px; }
    svg .tick { fill: #475569; font-size: 12px; font-variant-numeric: tabular-nums; }
    svg .axis-title { fill: var(--ink); font-size: 13px; font-weight: 600; }
    svg .legend-title { fill: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .08em; }
    svg .legend { fill: var(--ink); font-size: 13px; }
    svg .legend.value { font-variant-numeric: tabular-nums; }
    svg .legend-rule { stroke: var(--line); }
    svg .strong { font-weight: 650; }
    svg .muted, svg tspan.muted { fill: var(--muted); }
    svg .cell { font-variant-numeric: tabular-nums; font-weight: 500; }
    svg .bar-value { fill: var(--ink); font-size: 12px; font-variant-numeric: tabular-nums; font-weight: 600; }
    svg tspan.muted { font-weight: 400; }
    svg .reference { stroke: var(--ink); stroke-width: 1.25; stroke-dasharray: 4 3; }
    svg .reference-label { fill: var(--ink); font-size: 11px; font-weight: 600; }
    pre.report { margin: 0; padding: 16px 18px; background: #f8fafc; border: 1px solid var(--line); border-radius: 8px;
      font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
      overflow-x: auto; }
    code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
      background: #f1f5f9; padding: 1px 5px; border-radius: 4px; }
    .table-scroll { overflow-x: auto; }
    table.metrics { border-collapse: collapse; width: 100%; font-size: 13.5px; font-variant-numeric: tabular-nums; }
    table.metrics th, table.metrics td { padding: 8px 10px; border-bottom: 1px solid var(--line); text-align: left;
      white-space: nowrap; }
    table.metrics thead th { font-size: 11.5px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
      font-weight: 600; border-bottom: 2px solid #cbd5e1; vertical-align: bottom; white-space: normal; }
    table.metrics .num { text-align: right; }
    .dir { color: var(--accent); font-weight: 700; }
    table.metrics tr.group th { background: #f1f5fb; color: var(--ink); font-size: 13px; letter-spacing: .02em;
      text-transform: none; font-weight: 650; border-bottom: 1px solid #d5deea; }
    table.metrics td.method { font-weight: 600; }
    table.metrics td.bar { background-image: linear-gradient(90deg, rgba(47,91,211,.11) var(--bar),
      transparent var(--bar)); background-repeat: no-repeat; background-size: 100% 60%; background-position: 0 50%; }
    table.metrics td.best { font-weight: 700; color: var(--accent); }
    table.metrics tbody tr:not(.group):hover td { background-color: #f8fafc; }
    .legend-note { color: var(--muted); font-size: 12.5px; margin: 12px 0 0; }
    .legend-note b { color: var(--accent); }
    .sample + .sample { margin-top: 26px; padding-top: 22px; border-top: 1px solid var(--line); }
    .sample-classes { font-weight: 400; color: var(--muted); }
    .sample-classes strong { color: var(--ink); }
    .badge { font-size: 11.5px; font-weight: 600; padding: 2px 9px; border-radius: 999px; letter-spacing: .02em; }
    .badge.good { background: #e6f4ea; color: var(--good); }
    .badge.bad { background: #fce8e6; color: var(--bad); }
    .gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 16px; }
    figure.shot { margin: 0; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; background: #fff; }
    figure.shot img { display: block; width: 100%; height: auto; background: #fff; }
    figure.shot figcaption { padding: 8px 12px; font-size: 13px; border-top: 1px solid var(--line); }
    figure.shot figcaption span { color: var(--muted); }
    footer { color: var(--muted); font-size: 12px; text-align: center; padding: 8px 0 28px; }
    @media print { body { background: #fff; } header.top { background: none; color: var(--ink); padding: 0; }
      main.wrap { margin-top: 16px; } section.card, .kpi { box-shadow: none; border: 1px solid var(--line); }
      section.card { break-inside: avoid; } .meta code { color: var(--ink); } }
    """
}
