/**
 * Errors raised while reading configuration.
 */

/** One or more problems with a configuration; `issues` lists them all. */
export class ConfigError extends Error {
  /** @param {string[]} issues */
  constructor(issues) {
    super(issues.length === 1 ? issues[0] : `${issues.length} configuration problems:\n  ${issues.join("\n  ")}`);
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/** Malformed text: the file could not be read at all. */
export class SyntaxProblem extends ConfigError {
  /**
   * @param {string} message
   * @param {number} line
   */
  constructor(message, line) {
    super([`line ${line}: ${message}`]);
    this.name = "SyntaxProblem";
    this.line = line;
  }
}
