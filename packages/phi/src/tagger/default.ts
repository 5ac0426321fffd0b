/** The shipped weights (resources/tagger.json), decoded on first use. */
import weights from '../../resources/tagger.json' with { type: 'json' };
import { deserializeModel, type TaggerModel } from './model.js';

let model: TaggerModel | undefined;

export function defaultModel(): TaggerModel {
  model ??= deserializeModel(weights);
  return model;
}
