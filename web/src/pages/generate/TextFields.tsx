// The Generate form's part for text and code: model, prompts and sampling parameters.
import type { ModelList } from '../../api/types';
import { Field } from '../../components/Field';
import { SeedField } from '../../components/SeedField';
import { formatCount } from '../../lib/format';
import { defaultTextValues, TEXT_PARAMS, type FieldErrors } from '../../lib/params';

export interface TextState {
  model: string; // '' = the default model of the type
  prompts: string;
  values: Record<string, string>;
  stop: string;
  seed: string;
}

export function initialTextState(type: 'text' | 'code'): TextState {
  return {
    model: '',
    prompts: type === 'code' ? 'def ' : 'The',
    values: defaultTextValues(type),
    stop: '',
    seed: '',
  };
}

interface Props {
  idPrefix: string;
  type: 'text' | 'code';
  models: ModelList | null;
  state: TextState;
  onChange: (patch: Partial<TextState>) => void;
  errors: FieldErrors;
}

export function ModelFields({ idPrefix, type, models, state, onChange }: Omit<Props, 'errors'>) {
  const id = `${idPrefix}-model`;
  const choices = (models?.models ?? []).filter((m) => m.data_type === type);
  const def = models?.defaults[type];
  return (
    <Field
      id={id}
      label="Model"
      help="The language model that writes the samples; manage models on the Models page."
    >
      {(d) => (
        <select
          id={id}
          value={state.model}
          onChange={(e) => onChange({ model: e.target.value })}
          aria-describedby={d}
        >
          <option value="">Default{def ? ` (${def})` : ''}</option>
          {choices.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name || m.id} — {formatCount(m.parameter_count, true)} parameters
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function TextFields({ idPrefix, state, onChange, errors }: Props) {
  const f = (k: string) => `${idPrefix}-${k}`;
  return (
    <>
      <h2>Prompt</h2>
      <Field
        id={f('prompt')}
        label="Prompts"
        help="Each sample continues a prompt; with several lines, samples take them in turn. Empty: the model starts from nothing."
      >
        {(d) => (
          <textarea
            id={f('prompt')}
            rows={3}
            value={state.prompts}
            onChange={(e) => onChange({ prompts: e.target.value })}
            aria-describedby={d}
          />
        )}
      </Field>
      <h2>Parameters</h2>
      <div className="grid-form">
        {TEXT_PARAMS.map((p) => (
          <Field key={p.key} id={f(p.key)} label={p.label} help={p.help} error={errors[p.key]}>
            {(d) => (
              <input
                id={f(p.key)}
                type="number"
                min={p.min}
                max={p.max}
                step={p.step}
                value={state.values[p.key]}
                onChange={(e) => onChange({ values: { ...state.values, [p.key]: e.target.value } })}
                aria-invalid={!!errors[p.key]}
                aria-describedby={d}
              />
            )}
          </Field>
        ))}
        <Field
          id={f('stop')}
          label="Stop strings"
          help="One per line (\n for a newline): a sample ends where one appears. At most 16, each up to 256 bytes."
          error={errors.stop}
        >
          {(d) => (
            <textarea
              id={f('stop')}
              rows={2}
              value={state.stop}
              onChange={(e) => onChange({ stop: e.target.value })}
              aria-invalid={!!errors.stop}
              aria-describedby={d}
            />
          )}
        </Field>
        <SeedField
          id={f('seed')}
          help="Same seed and parameters give the same samples; empty for a random one."
          value={state.seed}
          error={errors.seed}
          onChange={(seed) => onChange({ seed })}
        />
      </div>
    </>
  );
}
