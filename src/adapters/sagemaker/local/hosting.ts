import { validation } from './aws-error.js';
import { type Deployment, LocalEndpoint } from './endpoint.js';
import { type LocalContext, now } from './local-context.js';
import { arn, checkName, required } from './resource-name.js';

// biome-ignore lint/suspicious/noExplicitAny: the request is the SDK's JSON, validated field by field
type Json = any;

/**
 * Models, endpoint configs and endpoints, with SageMaker's answers: a duplicate or missing name is
 * a ValidationException ("Cannot create already existing ...", "Could not find ..."), configs are
 * immutable, and deleting a model or config does not touch an endpoint already running it.
 */
export class Hosting {
  private readonly models = new Map<string, Json>();
  private readonly configs = new Map<string, Json>();
  private readonly endpoints = new Map<string, LocalEndpoint>();

  constructor(private readonly ctx: LocalContext) {}

  createModel(r: Json): Json {
    const name = checkName('modelName', r.ModelName);
    if (this.models.has(name))
      throw validation(`Cannot create already existing model "${arn(this.ctx.region, 'model', name)}".`);
    const c = r.PrimaryContainer ?? r.Containers?.[0];
    if (!c) throw validation('CreateModel needs PrimaryContainer (or Containers)');
    if ((r.Containers?.length ?? 0) > 1) throw validation('local mode runs one container per model');
    required('primaryContainer.image', c.Image);
    const model = { ...r, ModelArn: arn(this.ctx.region, 'model', name), CreationTime: now() };
    this.models.set(name, model);
    return { ModelArn: model.ModelArn };
  }

  describeModel(r: Json): Json {
    const m = this.models.get(r.ModelName);
    if (!m) throw validation(`Could not find model "${arn(this.ctx.region, 'model', String(r.ModelName))}".`);
    return m;
  }

  deleteModel(r: Json): Json {
    this.describeModel(r);
    this.models.delete(r.ModelName);
    return {};
  }

  createEndpointConfig(r: Json): Json {
    const name = checkName('endpointConfigName', r.EndpointConfigName);
    if (this.configs.has(name)) {
      throw validation(
        `Cannot create already existing endpoint configuration "${arn(this.ctx.region, 'endpoint-config', name)}".`,
      );
    }
    const variants = r.ProductionVariants as Json[] | undefined;
    if (!Array.isArray(variants) || variants.length === 0)
      throw validation('ProductionVariants must hold at least one variant');
    for (const [i, v] of variants.entries()) {
      checkName(`productionVariants.${i + 1}.variantName`, v.VariantName);
      this.describeModel({ ModelName: v.ModelName });
      const n = v.InitialInstanceCount ?? 1;
      if (!Number.isInteger(n) || n < 1)
        throw validation(`productionVariants.${i + 1}.initialInstanceCount must be >= 1`);
    }
    const config = { ...r, EndpointConfigArn: arn(this.ctx.region, 'endpoint-config', name), CreationTime: now() };
    this.configs.set(name, config);
    return { EndpointConfigArn: config.EndpointConfigArn };
  }

  describeEndpointConfig(r: Json): Json {
    const c = this.configs.get(r.EndpointConfigName);
    if (!c) {
      throw validation(
        `Could not find endpoint configuration "${arn(this.ctx.region, 'endpoint-config', String(r.EndpointConfigName))}".`,
      );
    }
    return c;
  }

  deleteEndpointConfig(r: Json): Json {
    this.describeEndpointConfig(r);
    this.configs.delete(r.EndpointConfigName);
    return {};
  }

  createEndpoint(r: Json): Json {
    const name = checkName('endpointName', r.EndpointName);
    if (this.endpoints.has(name))
      throw validation(`Cannot create already existing endpoint "${arn(this.ctx.region, 'endpoint', name)}".`);
    const e = new LocalEndpoint(
      name,
      arn(this.ctx.region, 'endpoint', name),
      this.deployment(r.EndpointConfigName),
      this.ctx,
    );
    this.endpoints.set(name, e);
    return { EndpointArn: e.arn };
  }

  updateEndpoint(r: Json): Json {
    const e = this.endpoint(r.EndpointName);
    if (e.status !== 'InService') {
      throw validation(`Cannot update in-progress endpoint "${e.arn}": it is ${e.status}; wait for InService.`);
    }
    e.update(this.deployment(r.EndpointConfigName));
    return { EndpointArn: e.arn };
  }

  describeEndpoint(r: Json): Json {
    return this.endpoint(r.EndpointName).describe();
  }

  listEndpoints(r: Json): Json {
    let list = [...this.endpoints.values()].map((e) => e.summary());
    if (r.StatusEquals) list = list.filter((e) => e.EndpointStatus === r.StatusEquals);
    if (r.NameContains) list = list.filter((e) => e.EndpointName.includes(r.NameContains));
    return { Endpoints: list };
  }

  /** Deleting at once; the containers stop in the background and the name is freed after. */
  deleteEndpoint(r: Json): Json {
    const e = this.endpoint(r.EndpointName);
    if (e.status === 'Deleting') return {};
    this.ctx.track(e.delete().finally(() => this.endpoints.delete(e.name)));
    return {};
  }

  /** The endpoint InvokeEndpoint talks to, or undefined. */
  find(name: string): LocalEndpoint | undefined {
    return this.endpoints.get(name);
  }

  async deleteAll(): Promise<void> {
    await Promise.all([...this.endpoints.values()].map((e) => e.delete()));
    this.endpoints.clear();
  }

  private endpoint(name: unknown): LocalEndpoint {
    const e = typeof name === 'string' ? this.endpoints.get(name) : undefined;
    if (!e) throw validation(`Could not find endpoint "${arn(this.ctx.region, 'endpoint', String(name))}".`);
    return e;
  }

  private deployment(configName: unknown): Deployment {
    const config = this.describeEndpointConfig({ EndpointConfigName: configName });
    return {
      configName: config.EndpointConfigName,
      variants: (config.ProductionVariants as Json[]).map((spec) => ({
        spec,
        model: this.describeModel({ ModelName: spec.ModelName }),
      })),
    };
  }
}
