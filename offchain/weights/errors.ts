/** Bad input to the weights module: the message names the value and how to fix it. */
export class WeightsInputError extends Error {
  override readonly name = "WeightsInputError";
}
