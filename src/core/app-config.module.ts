import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from '../config/config.schema.js';
import { SecretBox } from './crypto/secret-box.js';

/** Injection token of the validated AppConfig. */
export const APP_CONFIG = Symbol('relais:app-config');

/** Makes the configuration loaded at start injectable everywhere (`@Inject(APP_CONFIG)`). */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AppConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }, { provide: SecretBox, useValue: new SecretBox(config.secretsKey) }], exports: [APP_CONFIG, SecretBox] };
  }
}
