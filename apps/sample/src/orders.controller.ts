import { Body, Controller, Get, NotFoundException, Param, Post } from '@nestjs/common';
import type { Order, OrderWithTimeline } from './order.model';
import { parsePlaceOrder } from './orders.dto';
import { OrdersService } from './orders.service';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  place(@Body() body: unknown): Promise<Order> {
    return this.orders.place(parsePlaceOrder(body));
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<OrderWithTimeline> {
    const order = await this.orders.get(id);
    if (!order) throw new NotFoundException(`Order ${id} does not exist.`);
    return order;
  }
}
