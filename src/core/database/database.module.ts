import { MikroOrmModule } from '@mikro-orm/nestjs';
import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema.js';
import { ormOptions } from './orm-options.js';

@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        MikroOrmModule.forRoot({
          ...ormOptions(config),
          autoLoadEntities: true,
          registerRequestContext: true,
        }),
      ],
    };
  }
}
