/**
 * Base class of the errors whose message is written for the person who gave
 * the input (a flag, a file, a theme, a dataset). The CLIs show such a message
 * alone and exit with 2; any other error is treated as a bug (exit 1).
 */
export class BadInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
