/**
 * Plain-text tables for the harbour master's reports: a header row, a rule, and the rows, each
 * column as wide as its widest cell. Numbers are right-aligned, text left-aligned.
 */

export type Align = "left" | "right";

export interface Column {
  readonly title: string;
  readonly align?: Align;
}

function pad(text: string, width: number, align: Align): string {
  return align === "right" ? text.padStart(width) : text.padEnd(width);
}

/** Render rows under the columns; a row with fewer cells is padded with empty ones. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) =>
    Math.max(c.title.length, ...rows.map((r) => (r[i] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => pad(cells[i] ?? "", widths[i]!, c.align ?? "left"))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(columns.map((c) => c.title)), rule, ...rows.map(line)].join("\n");
}

/** Rows as a Markdown table (for the club's web page). Pipes inside cells are escaped. */
export function renderMarkdown(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const esc = (s: string): string => s.replace(/\|/g, "\\|");
  const head = `| ${columns.map((c) => esc(c.title)).join(" | ")} |`;
  const sep = `| ${columns.map((c) => (c.align === "right" ? "---:" : "---")).join(" | ")} |`;
  const body = rows.map((r) => `| ${columns.map((_, i) => esc(r[i] ?? "")).join(" | ")} |`);
  return [head, sep, ...body].join("\n");
}

/** "1 night", "3 nights": the words the reports use. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Truncate to `width` characters with an ellipsis, for long vessel names. */
export function truncate(text: string, width: number): string {
  if (width < 1) {
    return "";
  }
  return text.length <= width ? text : text.slice(0, width - 1) + "\u2026";
}
