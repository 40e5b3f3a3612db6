import { AwsError } from './aws-error.js';
import { type LocalContext, now } from './local-context.js';
import { ServingFleet } from './serving-fleet.js';

// biome-ignore lint/suspicious/noExplicitAny: the request is the SDK's JSON, validated field by field
type Json = any;

export type EndpointStatus = 'Creating' | 'Updating' | 'InService' | 'Deleting' | 'Failed';

/** A config's variants with their models, as they were when CreateEndpoint/UpdateEndpoint ran. */
export interface Deployment {
  configName: string;
  variants: { spec: Json; model: Json }[];
}

/**
 * One endpoint: a ServingFleet per production variant. Creating -> InService (or Failed with the
 * reason); UpdateEndpoint starts the new config's fleets while the old ones keep serving, swaps
 * them in once healthy (Updating -> InService) and stops the old ones; a failed update leaves the
 * old fleets in service and sets FailureReason.
 */
export class LocalEndpoint {
  status: EndpointStatus = 'Creating';
  private fleets = new Map<string, ServingFleet>();
  private failureReason: string | undefined;
  private readonly created = now();
  private modified = now();
  private turn = 0;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    readonly arn: string,
    private deployment: Deployment,
    private readonly ctx: LocalContext,
  ) {
    this.pending = this.deploy(deployment);
    ctx.track(this.pending);
  }

  get configName(): string {
    return this.deployment.configName;
  }

  update(next: Deployment): void {
    this.status = 'Updating';
    this.modified = now();
    this.pending = this.pending.then(() => this.deploy(next));
    this.ctx.track(this.pending);
  }

  /** Deleting, then every container stopped; resolves when nothing of the endpoint runs. */
  async delete(): Promise<void> {
    this.status = 'Deleting';
    this.modified = now();
    await this.pending;
    await this.stopFleets(this.fleets);
  }

  /** The fleet that answers the next request (round robin over variants, or the TargetVariant). */
  route(targetVariant: string | undefined): ServingFleet {
    if (targetVariant !== undefined) {
      const f = this.fleets.get(targetVariant);
      if (!f) throw new AwsError('ValidationError', `Variant ${targetVariant} not found for endpoint ${this.name}.`);
      return f;
    }
    const all = [...this.fleets.values()];
    return all[this.turn++ % all.length]!;
  }

  get serving(): boolean {
    return this.fleets.size > 0 && this.status !== 'Deleting';
  }

  describe(): Json {
    return {
      EndpointName: this.name,
      EndpointArn: this.arn,
      EndpointConfigName: this.deployment.configName,
      EndpointStatus: this.status,
      ...(this.failureReason ? { FailureReason: this.failureReason } : {}),
      ProductionVariants: this.deployment.variants.map((v) => ({
        VariantName: v.spec.VariantName,
        CurrentWeight: v.spec.InitialVariantWeight ?? 1,
        DesiredWeight: v.spec.InitialVariantWeight ?? 1,
        CurrentInstanceCount: this.fleets.get(v.spec.VariantName)?.instances.length ?? 0,
        DesiredInstanceCount: v.spec.InitialInstanceCount ?? 1,
      })),
      CreationTime: this.created,
      LastModifiedTime: this.modified,
    };
  }

  summary(): Json {
    const d = this.describe();
    return {
      EndpointName: d.EndpointName,
      EndpointArn: d.EndpointArn,
      EndpointStatus: d.EndpointStatus,
      CreationTime: d.CreationTime,
      LastModifiedTime: d.LastModifiedTime,
    };
  }

  private async deploy(next: Deployment): Promise<void> {
    if (this.status === 'Deleting') return;
    const started = new Map<string, ServingFleet>();
    try {
      for (const v of next.variants) {
        const c = v.model.PrimaryContainer ?? v.model.Containers?.[0] ?? {};
        const timeoutS = v.spec.ContainerStartupHealthCheckTimeoutInSeconds as number | undefined;
        const fleet = await ServingFleet.start(this.ctx, {
          label: `${this.name}-${v.spec.VariantName}`,
          modelDataUrl: c.ModelDataUrl,
          environment: c.Environment ?? {},
          count: v.spec.InitialInstanceCount ?? 1,
          startupTimeoutMs: timeoutS ? timeoutS * 1000 : this.ctx.startupTimeoutMs,
        });
        started.set(v.spec.VariantName, fleet);
        if (this.deleting()) break;
      }
    } catch (error) {
      await this.stopFleets(started);
      this.failureReason = (error as Error).message.slice(0, 1024);
      // A failed create leaves the endpoint Failed; a failed update keeps the old fleets serving.
      this.status = this.fleets.size > 0 ? 'InService' : 'Failed';
      this.modified = now();
      return;
    }
    if (this.deleting()) return this.stopFleets(started);
    const old = this.fleets;
    this.fleets = started;
    this.deployment = next;
    this.failureReason = undefined;
    this.status = 'InService';
    this.modified = now();
    await this.stopFleets(old);
  }

  /** Read through a method: TypeScript would keep the status narrowed across the awaits above. */
  private deleting(): boolean {
    return this.status === 'Deleting';
  }

  private async stopFleets(fleets: Map<string, ServingFleet>): Promise<void> {
    await Promise.all([...fleets.values()].map((f) => f.stop()));
    fleets.clear();
  }
}
