/**
 * Settings → Prices: the per-model price table the LLM gateway costs each call with (US dollars
 * per million tokens). A model without a price costs $0, so the section says which profiles lack one.
 */
import { useEffect, useState } from 'preact/hooks';
import { PROVIDERS } from '../../../../protocol/src/index.ts';
import type { ModelPrice, Provider } from '../../../../protocol/src/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { api } from '../../lib/endpoints.ts';
import { useSubmit } from '../../lib/use-submit.ts';
import { modelProfiles, prices } from '../../state/lists.ts';
import { ResourceList } from '../../components/resource-list.tsx';
import { ErrorText, Field, StatusText } from '../../components/ui.tsx';

const key = (p: { provider: string; model: string }) => `${p.provider}/${p.model}`;

export function PricesSection() {
  useEffect(() => {
    void prices.ensure();
    void modelProfiles.ensure();
  }, []);
  const priced = new Set((prices.state.value.data ?? []).map(key));
  const unpriced = (modelProfiles.state.value.data ?? []).filter((p) => p.provider !== 'cursor' && !priced.has(key(p)));
  return (
    <section class="card settings-section" data-testid="prices">
      <h2>Prices</h2>
      <p class="hint">US dollars per million tokens. The LLM gateway prices every call with this table; budgets are checked against it.</p>
      <ResourceList resource={prices} loading="Loading prices…" emptyTestId="prices-empty"
        empty="No prices yet — calls are counted but cost $0 until you add one below." row={(p) => <PriceRow key={key(p)} price={p} />} />
      {unpriced.length > 0 && (
        <p class="hint" data-testid="unpriced">Without a price: {unpriced.map((p) => `${p.provider}/${p.model}`).join(', ')}.</p>
      )}
      <PriceForm />
    </section>
  );
}

function PriceRow(props: { price: ModelPrice }) {
  const p = props.price;
  const [error, setError] = useState<string | null>(null);
  const onDelete = async () => {
    try {
      await api.deletePrice(p.provider, p.model);
      prices.set((prices.data ?? []).filter((x) => key(x) !== key(p)));
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <li data-testid="price">
      <div class="item-main">
        <strong><code>{p.model}</code></strong>
        <span class="item-detail">{p.provider} · in ${p.inputUsdPerMTok} · out ${p.outputUsdPerMTok} per million tokens</span>
      </div>
      <button type="button" class="secondary small" onClick={onDelete}>Delete<span class="visually-hidden"> price of {p.model}</span></button>
      <ErrorText message={error} />
    </li>
  );
}

function PriceForm() {
  const [provider, setProvider] = useState<Provider>('openai');
  const [model, setModel] = useState('');
  const [input, setInput] = useState('');
  const [output, setOutput] = useState('');
  const { pending, error, done, setError, submit } = useSubmit();

  const onSubmit = (e: Event) => {
    e.preventDefault();
    const inputUsdPerMTok = Number(input);
    const outputUsdPerMTok = Number(output);
    if (!model.trim()) return setError('Name the model.');
    if (!(inputUsdPerMTok >= 0) || !(outputUsdPerMTok >= 0) || input.trim() === '' || output.trim() === '') {
      return setError('Prices are amounts in US dollars per million tokens, like 3 or 0.15.');
    }
    void submit(async () => {
      const { price } = await api.putPrice(provider, model.trim(), { inputUsdPerMTok, outputUsdPerMTok });
      prices.set([...(prices.data ?? []).filter((x) => key(x) !== key(price)), price]);
      setModel('');
      setInput('');
      setOutput('');
      return `Saved the price of ${price.model}.`;
    });
  };

  return (
    <form class="stack-form" onSubmit={onSubmit}>
      <h3>Set a price</h3>
      <div class="form-grid">
        <Field label="Price provider">
          {(id) => (
            <select id={id} value={provider} onChange={(e) => setProvider(e.currentTarget.value as Provider)}>
              {PROVIDERS.filter((p) => p !== 'cursor').map((p) => <option key={p} value={p}>{p}</option>)}
            </select>
          )}
        </Field>
        <Field label="Price model">
          {(id) => <input id={id} required value={model} onInput={(e) => setModel(e.currentTarget.value)} />}
        </Field>
        <Field label="Input $ per million tokens">
          {(id) => <input id={id} required inputMode="decimal" value={input} onInput={(e) => setInput(e.currentTarget.value)} />}
        </Field>
        <Field label="Output $ per million tokens">
          {(id) => <input id={id} required inputMode="decimal" value={output} onInput={(e) => setOutput(e.currentTarget.value)} />}
        </Field>
      </div>
      <ErrorText message={error} testId="price-error" />
      <div class="form-actions">
        <button type="submit" disabled={pending} aria-busy={pending}>Save price</button>
        <StatusText message={done} />
      </div>
    </form>
  );
}
