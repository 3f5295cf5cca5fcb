import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from '../config/config.schema.js';
import { Clock, SystemClock } from './clock.js';
import { SecretBox } from './crypto/secret-box.js';

/** Injection token of the validated AppConfig. */
export const APP_CONFIG = Symbol('relais:app-config');

/** Makes the configuration loaded at start (`@Inject(APP_CONFIG)`), its secret box and the clock injectable everywhere. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }, { provide: SecretBox, useValue: new SecretBox(config.secretsKey) }, { provide: Clock, useClass: SystemClock }],
      exports: [APP_CONFIG, SecretBox, Clock],
    };
  }
}
